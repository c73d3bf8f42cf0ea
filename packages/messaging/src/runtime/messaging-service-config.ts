import { DEFAULT_PORTS, type BackendService } from '@ordering/contracts';
import {
  brokerEnv,
  databaseEnv,
  developmentModeEnv,
  operatorTokenEnv,
  peerEnv,
  readDatabaseSettings,
  readPeerUrls,
  readServiceSettings,
  serviceEnv,
  type LogLevel,
  type ServiceDatabaseSettings,
  type ServiceSettings,
} from '@ordering/platform';
import { messageSecurityEnv, readMessageSecurity, type MessageSecurity } from '../security/message-security-config.js';

/** How a messaging service reaches its peers and proves who sent what. */
export interface MessagingSettings<Peer extends string = string> {
  /** RabbitMQ (`BROKER_URL`); unset, messages are pushed to the peers over HTTP. */
  brokerUrl: string | undefined;
  /** Prefix of the broker's exchanges and queues (`BROKER_NAMESPACE`); unset, the transport's default. */
  brokerNamespace: string | undefined;
  /** Its message signing key, its senders' public keys and the operator token; see `readMessageSecurity`. */
  security: MessageSecurity;
  /** Replica origins per peer (`<PEER>_URL`, comma-separated), where the outbox relay delivers. */
  peers: Readonly<Record<Peer, readonly string[]>>;
}

/** What every service with a database and messaging reads; its config.ts adds only its own settings. */
export interface MessagingServiceConfig<Peer extends string = string>
  extends ServiceSettings, ServiceDatabaseSettings, MessagingSettings<Peer> {}

/**
 * The variables every messaging service shares: listener, logs and traces, database, broker, message security and
 * the peers it sends to. Check the parsed values with `messageSecurityProblems(service)`.
 */
export const messagingServiceEnv = (service: BackendService, peers: readonly BackendService[]) => ({
  ...serviceEnv(DEFAULT_PORTS[service]),
  ...databaseEnv,
  ...brokerEnv,
  ...developmentModeEnv,
  ...operatorTokenEnv,
  ...messageSecurityEnv,
  ...peerEnv(...peers),
});

interface MessagingServiceValues {
  PORT: number;
  HOST: string;
  LOG_LEVEL: LogLevel;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
  BROKER_URL?: string | undefined;
  BROKER_NAMESPACE?: string | undefined;
  MESSAGE_SIGNING_KEY?: string | undefined;
  MESSAGE_PUBLIC_KEYS?: string | undefined;
  OPERATOR_TOKEN?: string | undefined;
  UNSAFE_DEVELOPMENT_MODE: boolean;
}

/** Values parsed with `messagingServiceEnv`, as settings; throws a ConfigError for a bad peer list. */
export const readMessagingServiceConfig = <Peer extends BackendService>(
  values: MessagingServiceValues & Readonly<Record<string, unknown>>,
  peers: readonly Peer[],
): MessagingServiceConfig<Peer> => ({
  ...readServiceSettings(values),
  ...readDatabaseSettings(values),
  brokerUrl: values.BROKER_URL,
  brokerNamespace: values.BROKER_NAMESPACE,
  security: readMessageSecurity(values),
  peers: readPeerUrls(values, peers),
});
