import { fileURLToPath } from 'node:url';
import { DEFAULT_PORTS, GATEWAY_METRICS_PORT } from '@ordering/contracts';
import {
  developmentModeEnv,
  jwksEnv,
  jwksUrlProblems,
  parseConfigChecked,
  peerEnv,
  readPeerUrls,
  readServiceSettings,
  serviceEnv,
  type ServiceSettings,
} from '@ordering/platform';
import { Type } from 'typebox';
import { UPSTREAM_NAMES, type UpstreamName } from './domain/upstreams.js';
import type { RateLimitSettings } from './http/rate-limiting.js';

const GatewayEnv = Type.Object({
  ...serviceEnv(DEFAULT_PORTS.gateway),
  ...developmentModeEnv,
  ...jwksEnv,
  ...peerEnv(...UPSTREAM_NAMES),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 1200 }),
  RATE_LIMIT_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 10 }),
  // `?wait=30` holds a checkout request for up to 30 s, so the default leaves room above that.
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 600_000, default: 35_000 }),
  // Set in production: every gateway replica counts in the same Redis, so N replicas still allow the limit once.
  REDIS_URL: Type.Optional(Type.String({ format: 'uri', pattern: '^rediss?://.+' })),
  // Two systems on one Redis (a benchmark next to a running system) must never share counts.
  RATE_LIMIT_REDIS_PREFIX: Type.String({ pattern: '^[A-Za-z0-9:_.-]{1,100}$', default: 'ordering:rate-limit:' }),
  // The public port never serves /metrics; Prometheus scrapes this listener (0.0.0.0 so it can reach a pod).
  METRICS_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: GATEWAY_METRICS_PORT }),
  METRICS_HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  // The built console (npm run build); unset: the console/dist next to the gateway's src (or dist) directory.
  CONSOLE_DIR: Type.Optional(Type.String({ minLength: 1 })),
});

export interface GatewayConfig extends ServiceSettings {
  jwksUrl: string;
  /** Replica origins per upstream, e.g. `http://127.0.0.1:8081` (no trailing slash, no path). */
  upstreams: Readonly<Record<UpstreamName, readonly string[]>>;
  rateLimit: RateLimitSettings;
  upstreamTimeoutMs: number;
  /** The separate listener for `/metrics`. */
  metrics: { port: number; host: string };
  /** The directory the gateway serves `/console/` from (absent: `/console/` answers 503). */
  consoleDir: string;
}

export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../console/dist/', import.meta.url));

export const readConfig = (env: Record<string, string | undefined> = process.env): GatewayConfig => {
  const values = parseConfigChecked(GatewayEnv, env, jwksUrlProblems);
  const upstreams = readPeerUrls(values, UPSTREAM_NAMES);
  return Object.freeze({
    ...readServiceSettings(values),
    jwksUrl: values.JWKS_URL,
    upstreams,
    rateLimit: Object.freeze({
      max: values.RATE_LIMIT_MAX,
      windowSeconds: values.RATE_LIMIT_WINDOW_SECONDS,
      sharedStore:
        values.REDIS_URL === undefined ? undefined : Object.freeze({ url: values.REDIS_URL, keyPrefix: values.RATE_LIMIT_REDIS_PREFIX }),
    }),
    upstreamTimeoutMs: values.UPSTREAM_TIMEOUT_MS,
    metrics: Object.freeze({ port: values.METRICS_PORT, host: values.METRICS_HOST }),
    consoleDir: values.CONSOLE_DIR ?? DEFAULT_CONSOLE_DIR,
  });
};
