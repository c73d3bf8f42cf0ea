import { DEFAULT_PORTS } from '@ordering/contracts';
import { messageSecurityEnv, messageSecurityProblems, readMessageSecurity, type MessageSecurity } from '@ordering/messaging';
import { brokerEnv, databaseEnv, developmentModeEnv, jwksEnv, jwksUrlProblems, operatorTokenEnv, parseConfigChecked, peerEnv, readPeerUrls, serviceEnv, type LogLevel } from '@ordering/platform';
import { Type } from 'typebox';

const OrchestratorEnv = Type.Object({
  ...serviceEnv(DEFAULT_PORTS.orchestrator),
  ...databaseEnv,
  ...brokerEnv,
  ...developmentModeEnv, ...operatorTokenEnv, ...messageSecurityEnv,
  ...jwksEnv,
  ...peerEnv('order', 'account'),
  /** How long a participant may take to answer one step before it is resent (then compensated, with TIMEOUT). */
  SAGA_STEP_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000 }),
  SAGA_MAX_FORWARD_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 3 }),
});

export interface OrchestratorConfig {
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
  peers: Readonly<Record<'order' | 'account', string[]>>;
  saga: { stepTimeoutMs: number; maxForwardAttempts: number };
}

export const readConfig = (env: Record<string, string | undefined> = process.env): OrchestratorConfig => {
  const values = parseConfigChecked(OrchestratorEnv, env, messageSecurityProblems('orchestrator'), jwksUrlProblems);
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
    peers: readPeerUrls(values, ['order', 'account']),
    saga: Object.freeze({ stepTimeoutMs: values.SAGA_STEP_TIMEOUT_MS, maxForwardAttempts: values.SAGA_MAX_FORWARD_ATTEMPTS }),
  });
};
