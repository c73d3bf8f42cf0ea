import type { KeyObject } from 'node:crypto';
import { messageSecurityEnv, messageSecurityProblems, readMessageSecurity, type MessageSecurity } from '@ordering/messaging';
import { brokerEnv, databaseEnv, developmentModeEnv, operatorTokenEnv, parseConfigChecked, peerEnv, readPeerUrls, serviceEnv, type LogLevel } from '@ordering/platform';
import { Type, type Static } from 'typebox';
import { EMAIL_MAX_LENGTH, PASSWORD_LENGTH } from './domain/registration-rules.js';
import { decodeEncryptionKey } from './security/signing-key-sealing.js';

/** The services this one sends messages to: CustomerRegistered goes to the account service. */
const PEERS = ['account'] as const;
type Peer = (typeof PEERS)[number];

/** What `npm start` gives a laptop's admin, printed at start-up; refused anywhere but in development mode. */
export const DEVELOPMENT_ADMIN_PASSWORD = 'admin-password-change-me';

const CustomerEnv = Type.Object({
  ...serviceEnv(8081),
  ...databaseEnv,
  ...brokerEnv,
  ...developmentModeEnv,
  ...operatorTokenEnv,
  ...messageSecurityEnv,
  ...peerEnv(...PEERS),
  TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 86_400, default: 3600 }),
  ADMIN_EMAIL: Type.Optional(Type.String({ format: 'email', maxLength: EMAIL_MAX_LENGTH })),
  // Its length is checked by adminProblems: the generic config error echoes bad values, and this one is a secret.
  ADMIN_PASSWORD: Type.Optional(Type.String()),
  // Checked by encryptionKeyProblems, for the same reason (the generic secret-name rule does not cover *_KEY).
  SIGNING_KEY_ENCRYPTION_KEY: Type.Optional(Type.String()),
});
type CustomerValues = Static<typeof CustomerEnv>;

export interface CustomerConfig {
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
  /** Its message signing key and the operator token; see messaging's `readMessageSecurity`. */
  security: MessageSecurity;
  tokenTtlSeconds: number;
  /** Present when the service should make sure this admin exists at start-up. */
  admin: { email: string; password: string } | undefined;
  /** `SIGNING_KEY_ENCRYPTION_KEY` (32 bytes): seals the private signing key at rest; unset only in development mode. */
  signingKeyEncryptionKey: KeyObject | undefined;
  /** Replica origins per peer (`ACCOUNT_URL`, comma-separated), where the outbox relay delivers. */
  peers: Readonly<Record<Peer, readonly string[]>>;
}

/** Half an admin is a mistake, not an intent: refuse to start rather than silently skip the bootstrap. */
const adminProblems = ({ ADMIN_EMAIL: email, ADMIN_PASSWORD: password, UNSAFE_DEVELOPMENT_MODE: development }: CustomerValues): string[] => {
  const problems: string[] = [];
  if (email !== undefined && password === undefined) problems.push('ADMIN_PASSWORD is required when ADMIN_EMAIL is set (set both or neither)');
  if (password !== undefined && email === undefined) problems.push('ADMIN_EMAIL is required when ADMIN_PASSWORD is set (set both or neither)');
  // Counted in code points, as the HTTP schemas count them.
  const length = [...(password ?? '')].length;
  if (password !== undefined && (length < PASSWORD_LENGTH.min || length > PASSWORD_LENGTH.max)) {
    problems.push(`ADMIN_PASSWORD is invalid: must be ${PASSWORD_LENGTH.min} to ${PASSWORD_LENGTH.max} characters long (value not shown)`);
  }
  if (password === DEVELOPMENT_ADMIN_PASSWORD && !development) {
    problems.push('ADMIN_PASSWORD is the built-in development password, refused outside development mode: set ADMIN_PASSWORD to a secret of your own');
  }
  return problems;
};

const encryptionKeyProblems = ({ SIGNING_KEY_ENCRYPTION_KEY: encoded, UNSAFE_DEVELOPMENT_MODE: development }: CustomerValues): string[] => {
  if (encoded === undefined) {
    return development
      ? []
      : [
          'SIGNING_KEY_ENCRYPTION_KEY is required but not set: 32 bytes as base64 (openssl rand -base64 32) that seal the token signing key in the database; only a developer machine may run without it, with UNSAFE_DEVELOPMENT_MODE=true',
        ];
  }
  return decodeEncryptionKey(encoded) !== undefined
    ? []
    : ['SIGNING_KEY_ENCRYPTION_KEY is invalid: must be 32 bytes encoded as base64 or base64url, e.g. from `openssl rand -base64 32` (value not shown)'];
};

export const readConfig = (env: Record<string, string | undefined> = process.env): CustomerConfig => {
  const values = parseConfigChecked(CustomerEnv, env, adminProblems, encryptionKeyProblems, messageSecurityProblems('customer'));
  const peers = readPeerUrls(values, PEERS);
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
    tokenTtlSeconds: values.TOKEN_TTL_SECONDS,
    admin:
      values.ADMIN_EMAIL !== undefined && values.ADMIN_PASSWORD !== undefined
        ? Object.freeze({ email: values.ADMIN_EMAIL, password: values.ADMIN_PASSWORD })
        : undefined,
    signingKeyEncryptionKey: values.SIGNING_KEY_ENCRYPTION_KEY === undefined ? undefined : decodeEncryptionKey(values.SIGNING_KEY_ENCRYPTION_KEY),
    peers,
  });
};
