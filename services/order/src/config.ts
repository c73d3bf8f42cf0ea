import { brokerEnv, databaseEnv, internalTokenEnv, jwksEnv, parseConfig, peerEnv, readPeerUrls, serviceEnv, type LogLevel } from '@ordering/platform';
import { Type } from 'typebox';

/** The services this one sends messages to: its saga replies go to the orchestrator. */
const PEERS = ['orchestrator'] as const;
type Peer = (typeof PEERS)[number];

const OrderEnv = Type.Object({ ...serviceEnv(8082), ...databaseEnv, ...brokerEnv, ...internalTokenEnv, ...jwksEnv, ...peerEnv(...PEERS) });

export interface OrderConfig {
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
  /** `INTERNAL_TOKEN`: required as a bearer token on the `/internal/*` routes and sent to peers; unset, those routes are open. */
  internalToken: string | undefined;
  jwksUrl: string;
  /** Replica origins per peer (`ORCHESTRATOR_URL`, comma-separated), where the outbox relay delivers. */
  peers: Readonly<Record<Peer, readonly string[]>>;
}

export const readConfig = (env: Record<string, string | undefined> = process.env): OrderConfig => {
  const values = parseConfig(OrderEnv, env);
  return Object.freeze({
    port: values.PORT,
    host: values.HOST,
    logLevel: values.LOG_LEVEL,
    otlpEndpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT,
    databaseUrl: values.DATABASE_URL,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    brokerUrl: values.BROKER_URL,
    brokerNamespace: values.BROKER_NAMESPACE,
    internalToken: values.INTERNAL_TOKEN,
    jwksUrl: values.JWKS_URL,
    peers: readPeerUrls(values, PEERS),
  });
};
