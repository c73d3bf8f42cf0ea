import type { KeyObject } from 'node:crypto';
import { brokerEnv, ConfigError, databaseEnv, internalTokenEnv, parseConfig, peerEnv, readPeerUrls, serviceEnv, type LogLevel } from '@ordering/platform';
import { Type } from 'typebox';
import { EMAIL_MAX_LENGTH, PASSWORD_LENGTH } from './domain/registration-rules.js';
import { decodeEncryptionKey } from './security/signing-key-sealing.js';

/** The services this one sends messages to: CustomerRegistered goes to the account service. */
const PEERS = ['account'] as const;
type Peer = (typeof PEERS)[number];

const CustomerEnv = Type.Object({
  ...serviceEnv(8081),
  ...databaseEnv,
  ...brokerEnv,
  ...internalTokenEnv,
  ...peerEnv(...PEERS),
  TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 86_400, default: 3600 }),
  ADMIN_EMAIL: Type.Optional(Type.String({ format: 'email', maxLength: EMAIL_MAX_LENGTH })),
  // Its length is checked by adminProblems: the generic config error echoes bad values, and this one is a secret.
  ADMIN_PASSWORD: Type.Optional(Type.String()),
  // Checked by encryptionKeyProblems, for the same reason (the generic secret-name rule does not cover *_KEY).
  SIGNING_KEY_ENCRYPTION_KEY: Type.Optional(Type.String()),
});

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
  /** `INTERNAL_TOKEN`: required as a bearer token on the `/internal/*` routes and sent to peers; unset, those routes are open. */
  internalToken: string | undefined;
  tokenTtlSeconds: number;
  /** Present when the service should make sure this admin exists at start-up. */
  admin: { email: string; password: string } | undefined;
  /** `SIGNING_KEY_ENCRYPTION_KEY` (32 bytes): seals the private signing key at rest; unset, it rests plain (with a warning). */
  signingKeyEncryptionKey: KeyObject | undefined;
  /** Replica origins per peer (`ACCOUNT_URL`, comma-separated), where the outbox relay delivers. */
  peers: Readonly<Record<Peer, readonly string[]>>;
}

// Like parseConfig, an empty variable counts as unset.
const setValue = (value: string | undefined): string | undefined => (value === '' ? undefined : value);

/** Half an admin is a mistake, not an intent: refuse to start rather than silently skip the bootstrap. */
const adminProblems = (email: string | undefined, password: string | undefined): string[] => {
  const problems: string[] = [];
  if (email !== undefined && password === undefined) problems.push('ADMIN_PASSWORD is required when ADMIN_EMAIL is set (set both or neither)');
  if (password !== undefined && email === undefined) problems.push('ADMIN_EMAIL is required when ADMIN_PASSWORD is set (set both or neither)');
  // Counted in code points, as the HTTP schemas count them.
  const length = [...(password ?? '')].length;
  if (password !== undefined && (length < PASSWORD_LENGTH.min || length > PASSWORD_LENGTH.max)) {
    problems.push(`ADMIN_PASSWORD is invalid: must be ${PASSWORD_LENGTH.min} to ${PASSWORD_LENGTH.max} characters long (value not shown)`);
  }
  return problems;
};

const encryptionKeyProblems = (encoded: string | undefined): string[] =>
  encoded === undefined || decodeEncryptionKey(encoded) !== undefined
    ? []
    : ['SIGNING_KEY_ENCRYPTION_KEY is invalid: must be 32 bytes encoded as base64 or base64url, e.g. from `openssl rand -base64 32` (value not shown)'];

/** Runs one reading step; if it fails, its problems and the checks made here are reported together. */
const withOwnProblems = <T>(read: () => T, own: string[]): T => {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError([...error.problems, ...own]);
    throw error;
  }
};

/** Reports every problem at once: the schema's, the admin pair's and the encryption key's. */
const parseCustomerEnv = (env: Record<string, string | undefined>) => {
  const own = [
    ...adminProblems(setValue(env['ADMIN_EMAIL']), setValue(env['ADMIN_PASSWORD'])),
    ...encryptionKeyProblems(setValue(env['SIGNING_KEY_ENCRYPTION_KEY'])),
  ];
  const values = withOwnProblems(() => parseConfig(CustomerEnv, env), own);
  const peers = withOwnProblems(() => readPeerUrls(values, PEERS), own);
  if (own.length > 0) throw new ConfigError(own);
  return { values, peers };
};

export const readConfig = (env: Record<string, string | undefined> = process.env): CustomerConfig => {
  const { values, peers } = parseCustomerEnv(env);
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
    tokenTtlSeconds: values.TOKEN_TTL_SECONDS,
    admin:
      values.ADMIN_EMAIL !== undefined && values.ADMIN_PASSWORD !== undefined
        ? Object.freeze({ email: values.ADMIN_EMAIL, password: values.ADMIN_PASSWORD })
        : undefined,
    signingKeyEncryptionKey: values.SIGNING_KEY_ENCRYPTION_KEY === undefined ? undefined : decodeEncryptionKey(values.SIGNING_KEY_ENCRYPTION_KEY),
    peers,
  });
};
