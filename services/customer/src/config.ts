import type { KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { messageSecurityProblems, messagingServiceEnv, readMessagingServiceConfig, type MessagingServiceConfig } from '@ordering/messaging';
import { parseConfigChecked } from '@ordering/platform';
import { Type, type Static } from 'typebox';
import { EMAIL_MAX_LENGTH, PASSWORD_LENGTH } from './domain/registration-rules.js';
import { DEFAULT_HASH_COST_LOG2 } from './security/password-hashing.js';
import { decodeEncryptionKey } from './security/signing-key-sealing.js';

/** The services this one sends messages to: CustomerRegistered goes to the account service. */
const PEERS = ['account'] as const;

/** What `npm start` gives a laptop's admin, printed at start-up; refused anywhere but in development mode. */
export const DEVELOPMENT_ADMIN_PASSWORD = 'admin-password-change-me';

// ---- Login protection (issue 8): password hash cost and concurrency, and whose x-forwarded-for to believe. ----

/** Below OWASP's minimum only for quick local runs and tests, behind the loud development switch. */
const DEVELOPMENT_MIN_HASH_COST_LOG2 = 10;

const loginProtectionEnv = {
  PASSWORD_HASH_COST_LOG2: Type.Integer({ minimum: DEVELOPMENT_MIN_HASH_COST_LOG2, maximum: 20, default: DEFAULT_HASH_COST_LOG2 }),
  PASSWORD_HASH_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 2 }),
  PASSWORD_HASH_QUEUE_LIMIT: Type.Integer({ minimum: 0, maximum: 10_000, default: 32 }),
  // The whole loopback range: behind an Istio sidecar the gateway's requests arrive from 127.0.0.6.
  TRUSTED_PROXIES: Type.String({ minLength: 1, default: '127.0.0.0/8,::1' }),
};

const isAddressOrCidr = (entry: string): boolean => {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
};

const splitList = (value: string): string[] => value.split(',').map((entry) => entry.trim());

const loginProtectionProblems = (values: {
  PASSWORD_HASH_COST_LOG2: number;
  TRUSTED_PROXIES: string;
  UNSAFE_DEVELOPMENT_MODE: boolean;
}): string[] => {
  const problems: string[] = [];
  const cost = values.PASSWORD_HASH_COST_LOG2;
  if (cost < DEFAULT_HASH_COST_LOG2 && !values.UNSAFE_DEVELOPMENT_MODE) {
    problems.push(
      `PASSWORD_HASH_COST_LOG2=${cost} is invalid: below ${DEFAULT_HASH_COST_LOG2} (OWASP's minimum) only with UNSAFE_DEVELOPMENT_MODE=true`,
    );
  }
  const bad = splitList(values.TRUSTED_PROXIES).filter((entry) => !isAddressOrCidr(entry));
  if (bad.length > 0)
    problems.push(
      `TRUSTED_PROXIES has invalid entries ${JSON.stringify(bad)}: use comma-separated IP addresses or CIDRs, e.g. 127.0.0.1,::1`,
    );
  return problems;
};

const CustomerEnv = Type.Object({
  ...messagingServiceEnv('customer', PEERS),
  TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 86_400, default: 3600 }),
  ADMIN_EMAIL: Type.Optional(Type.String({ format: 'email', maxLength: EMAIL_MAX_LENGTH })),
  // Its length is checked by adminProblems: the generic config error echoes bad values, and this one is a secret.
  ADMIN_PASSWORD: Type.Optional(Type.String()),
  // Checked by encryptionKeyProblems, for the same reason (the generic secret-name rule does not cover *_KEY).
  SIGNING_KEY_ENCRYPTION_KEY: Type.Optional(Type.String()),
  ...loginProtectionEnv,
});
type CustomerValues = Static<typeof CustomerEnv>;

export interface CustomerConfig extends MessagingServiceConfig<(typeof PEERS)[number]> {
  tokenTtlSeconds: number;
  /** Present when the service should make sure this admin exists at start-up. */
  admin: { email: string; password: string } | undefined;
  /** `SIGNING_KEY_ENCRYPTION_KEY` (32 bytes): seals the private signing key at rest; unset only in development mode. */
  signingKeyEncryptionKey: KeyObject | undefined;
  passwordHashing: { costLog2: number; concurrency: number; queueLimit: number };
  /** Proxies whose x-forwarded-for names the client (`TRUSTED_PROXIES`, Fastify's trustProxy). */
  trustedProxies: readonly string[];
}

/** Half an admin is a mistake, not an intent: refuse to start rather than silently skip the bootstrap. */
const adminProblems = ({
  ADMIN_EMAIL: email,
  ADMIN_PASSWORD: password,
  UNSAFE_DEVELOPMENT_MODE: development,
}: CustomerValues): string[] => {
  const problems: string[] = [];
  if (email !== undefined && password === undefined)
    problems.push('ADMIN_PASSWORD is required when ADMIN_EMAIL is set (set both or neither)');
  if (password !== undefined && email === undefined)
    problems.push('ADMIN_EMAIL is required when ADMIN_PASSWORD is set (set both or neither)');
  // Counted in code points, as the HTTP schemas count them.
  const length = [...(password ?? '')].length;
  if (password !== undefined && (length < PASSWORD_LENGTH.min || length > PASSWORD_LENGTH.max)) {
    problems.push(`ADMIN_PASSWORD is invalid: must be ${PASSWORD_LENGTH.min} to ${PASSWORD_LENGTH.max} characters long (value not shown)`);
  }
  if (password === DEVELOPMENT_ADMIN_PASSWORD && !development) {
    problems.push(
      'ADMIN_PASSWORD is the built-in development password, refused outside development mode: set ADMIN_PASSWORD to a secret of your own',
    );
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
    : [
        'SIGNING_KEY_ENCRYPTION_KEY is invalid: must be 32 bytes encoded as base64 or base64url, e.g. from `openssl rand -base64 32` (value not shown)',
      ];
};

export const readConfig = (env: Record<string, string | undefined> = process.env): CustomerConfig => {
  const values = parseConfigChecked(
    CustomerEnv,
    env,
    adminProblems,
    encryptionKeyProblems,
    loginProtectionProblems,
    messageSecurityProblems('customer'),
  );
  return Object.freeze({
    ...readMessagingServiceConfig(values, PEERS),
    tokenTtlSeconds: values.TOKEN_TTL_SECONDS,
    admin:
      values.ADMIN_EMAIL !== undefined && values.ADMIN_PASSWORD !== undefined
        ? Object.freeze({ email: values.ADMIN_EMAIL, password: values.ADMIN_PASSWORD })
        : undefined,
    signingKeyEncryptionKey:
      values.SIGNING_KEY_ENCRYPTION_KEY === undefined ? undefined : decodeEncryptionKey(values.SIGNING_KEY_ENCRYPTION_KEY),
    passwordHashing: Object.freeze({
      costLog2: values.PASSWORD_HASH_COST_LOG2,
      concurrency: values.PASSWORD_HASH_CONCURRENCY,
      queueLimit: values.PASSWORD_HASH_QUEUE_LIMIT,
    }),
    trustedProxies: Object.freeze(splitList(values.TRUSTED_PROXIES)),
  });
};
