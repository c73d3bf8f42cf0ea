import type { KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { brokerEnv, ConfigError, databaseEnv, internalTokenEnv, parseConfig, peerEnv, readPeerUrls, serviceEnv, type LogLevel } from '@ordering/platform';
import { Type } from 'typebox';
import { EMAIL_MAX_LENGTH, PASSWORD_LENGTH } from './domain/registration-rules.js';
import { DEFAULT_HASH_COST_LOG2 } from './security/password-hashing.js';
import { decodeEncryptionKey } from './security/signing-key-sealing.js';

/** The services this one sends messages to: CustomerRegistered goes to the account service. */
const PEERS = ['account'] as const;
type Peer = (typeof PEERS)[number];

// ---- Login protection (issue 8): password hash cost and concurrency, and whose x-forwarded-for to believe. ----

/** Below OWASP's minimum only for quick local runs and tests, behind the loud development switch. */
const DEVELOPMENT_MIN_HASH_COST_LOG2 = 10;

const loginProtectionEnv = {
  PASSWORD_HASH_COST_LOG2: Type.Integer({ minimum: DEVELOPMENT_MIN_HASH_COST_LOG2, maximum: 20, default: DEFAULT_HASH_COST_LOG2 }),
  PASSWORD_HASH_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 2 }),
  PASSWORD_HASH_QUEUE_LIMIT: Type.Integer({ minimum: 0, maximum: 10_000, default: 32 }),
  TRUSTED_PROXIES: Type.String({ minLength: 1, default: '127.0.0.1,::1' }),
};

const isAddressOrCidr = (entry: string): boolean => {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
};

const splitList = (value: string): string[] => value.split(',').map((entry) => entry.trim());

const loginProtectionProblems = (env: Record<string, string | undefined>): string[] => {
  const problems: string[] = [];
  const cost = setValue(env['PASSWORD_HASH_COST_LOG2']);
  // UNSAFE_DEVELOPMENT_MODE belongs to the secrets group; read here only to allow a cheaper hash in development.
  if (cost !== undefined && Number(cost) < DEFAULT_HASH_COST_LOG2 && Number(cost) >= DEVELOPMENT_MIN_HASH_COST_LOG2 && env['UNSAFE_DEVELOPMENT_MODE'] !== 'true') {
    problems.push(`PASSWORD_HASH_COST_LOG2=${cost} is invalid: below ${DEFAULT_HASH_COST_LOG2} (OWASP's minimum) only with UNSAFE_DEVELOPMENT_MODE=true`);
  }
  const proxies = setValue(env['TRUSTED_PROXIES']);
  const bad = proxies === undefined ? [] : splitList(proxies).filter((entry) => !isAddressOrCidr(entry));
  if (bad.length > 0) problems.push(`TRUSTED_PROXIES has invalid entries ${JSON.stringify(bad)}: use comma-separated IP addresses or CIDRs, e.g. 127.0.0.1,::1`);
  return problems;
};

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
  ...loginProtectionEnv,
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
  passwordHashing: { costLog2: number; concurrency: number; queueLimit: number };
  /** Proxies whose x-forwarded-for names the client (`TRUSTED_PROXIES`, Fastify's trustProxy). */
  trustedProxies: readonly string[];
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
    ...loginProtectionProblems(env),
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
    passwordHashing: Object.freeze({
      costLog2: values.PASSWORD_HASH_COST_LOG2,
      concurrency: values.PASSWORD_HASH_CONCURRENCY,
      queueLimit: values.PASSWORD_HASH_QUEUE_LIMIT,
    }),
    trustedProxies: Object.freeze(splitList(values.TRUSTED_PROXIES)),
    peers,
  });
};
