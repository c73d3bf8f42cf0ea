import { DEFAULT_PORTS } from '@ordering/contracts';
import { Type } from 'typebox';

/** Lower-case, as queue names go into metrics labels and shell commands unquoted. */
export const BROKER_NAMESPACE_PATTERN = '^[a-z][a-z0-9_-]{0,39}$';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables every service reads; compose them into a service's own schema in its config.ts. */
export const serviceEnv = (defaultPort: number) => ({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: defaultPort }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  LOG_LEVEL: Type.Enum(LOG_LEVELS, { default: 'info' }),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://.+' })),
});

export const databaseEnv = {
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://.+' }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
};

/** Optional: set, messages go through RabbitMQ; unset, services push them to each other over HTTP. */
export const brokerEnv = {
  BROKER_URL: Type.Optional(Type.String({ format: 'uri', pattern: '^amqps?://.+' })),
  /**
   * Prefixes every exchange and queue (default `ordering`): two systems on one broker and virtual host, e.g. a
   * benchmark next to a running system, then never consume each other's messages.
   */
  BROKER_NAMESPACE: Type.Optional(Type.String({ pattern: BROKER_NAMESPACE_PATTERN })),
};

/**
 * The loud development switch. Without it, a service missing a required secret refuses to start (exit 78), and the
 * development conveniences (the built-in admin password, plain http to a remote JWKS) are refused. `npm start`
 * generates every secret anyway; nothing deployed should ever set this.
 */
export const developmentModeEnv = {
  UNSAFE_DEVELOPMENT_MODE: Type.Boolean({ default: false }),
};

/**
 * The bearer token of the operator routes (`/internal/dead-letters*`, `/internal/outbox*`), shared by the services and
 * the operators' tools. Long and blank-free, so it is a secret and not a typo. Required unless in development mode.
 */
export const operatorTokenEnv = {
  OPERATOR_TOKEN: Type.Optional(Type.String({ minLength: 32, pattern: '^\\S+$' })),
};

export const jwksEnv = {
  JWKS_URL: Type.String({ pattern: '^https?://.+', default: `http://127.0.0.1:${DEFAULT_PORTS.customer}/.well-known/jwks.json` }),
  /**
   * JWKS_URL may be plain http because it points into a network only the services can reach or read: a mesh with
   * mutual TLS (Kubernetes with Istio, PeerAuthentication STRICT) or one host's compose network. Set by those
   * manifests, nowhere else.
   */
  JWKS_OVER_PRIVATE_NETWORK: Type.Boolean({ default: false }),
};

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Whoever can answer JWKS_URL decides which tokens are valid, so the keys must come over a channel an attacker cannot
 * sit in: https, loopback, or a mesh with mutual TLS. Plain http anywhere else only in development mode.
 */
export const jwksUrlProblems = (values: {
  JWKS_URL: string;
  JWKS_OVER_PRIVATE_NETWORK: boolean;
  UNSAFE_DEVELOPMENT_MODE: boolean;
}): string[] => {
  let url: URL;
  try {
    url = new URL(values.JWKS_URL);
  } catch {
    return [`JWKS_URL=${JSON.stringify(values.JWKS_URL)} is invalid: not a URL`];
  }
  if (url.protocol === 'https:' || LOOPBACK_HOSTS.test(url.hostname) || values.JWKS_OVER_PRIVATE_NETWORK || values.UNSAFE_DEVELOPMENT_MODE)
    return [];
  return [
    `JWKS_URL=${JSON.stringify(values.JWKS_URL)} is invalid: must be https (or http to a loopback address); inside a mesh with mutual TLS or a compose network set JWKS_OVER_PRIVATE_NETWORK=true`,
  ];
};

export type LogLevel = (typeof LOG_LEVELS)[number];
