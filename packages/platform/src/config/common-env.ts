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
 * The shared secret that every caller of a service's `/internal/*` routes (peers pushing messages, operators and
 * their tools) presents as `Authorization: Bearer <token>`. Optional, so a service still starts without it, and says
 * so; anything shared should set it. Long and blank-free, so it is a secret and not a typo.
 */
export const internalTokenEnv = {
  INTERNAL_TOKEN: Type.Optional(Type.String({ minLength: 32, pattern: '^\\S+$' })),
};

export const jwksEnv = {
  JWKS_URL: Type.String({ pattern: '^https?://.+', default: 'http://127.0.0.1:8081/.well-known/jwks.json' }),
};

export type LogLevel = (typeof LOG_LEVELS)[number];
