import { DEFAULT_PORTS } from '@ordering/contracts';
import { messageSecurityEnv, messageSecurityProblems, readMessageSecurity, type MessageSecurity } from '@ordering/messaging';
import { brokerEnv, databaseEnv, developmentModeEnv, jwksEnv, jwksUrlProblems, operatorTokenEnv, parseConfigChecked, peerEnv, readPeerUrls, serviceEnv, type LogLevel } from '@ordering/platform';
import { Type } from 'typebox';

/** The services this one sends messages to: its saga replies go to the orchestrator (CustomerRegistered only comes in). */
const PEERS = ['orchestrator'] as const;
type Peer = (typeof PEERS)[number];

const AccountEnv = Type.Object({ ...serviceEnv(DEFAULT_PORTS.account), ...databaseEnv, ...brokerEnv, ...developmentModeEnv, ...operatorTokenEnv, ...messageSecurityEnv, ...jwksEnv, ...peerEnv(...PEERS) });

export interface AccountConfig {
  port: number;
  host: string;
  logLevel: LogLevel;
  otlpEndpoint: string | undefined;
  databaseUrl: string;
  databasePoolSize: number;
  /** RabbitMQ (`BROKER_URL`); unset, messages are pushed to the peers over HTTP. */
  brokerUrl: string | undefined;
  /** Prefix of the broker's exchanges and queues (`BROKER_NAMESPACE`); unset, the transport's default. */
  brokerNamespace: string | undefined;
  /** Its message signing key, its senders' public keys and the operator token; see messaging's `readMessageSecurity`. */
  security: MessageSecurity;
  jwksUrl: string;
  /** Replica origins per peer (`ORCHESTRATOR_URL`, comma-separated), where the outbox relay delivers. */
  peers: Readonly<Record<Peer, readonly string[]>>;
}

export const readConfig = (env: Record<string, string | undefined> = process.env): AccountConfig => {
  const values = parseConfigChecked(AccountEnv, env, messageSecurityProblems('account'), jwksUrlProblems);
  return Object.freeze({
    port: values.PORT,
    host: values.HOST,
    logLevel: values.LOG_LEVEL,
    otlpEndpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT,
    databaseUrl: values.DATABASE_URL,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    brokerUrl: values.BROKER_URL,
    brokerNamespace: values.BROKER_NAMESPACE,
    security: readMessageSecurity(values),
    jwksUrl: values.JWKS_URL,
    peers: readPeerUrls(values, PEERS),
  });
};
