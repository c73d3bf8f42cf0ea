import { developmentModeEnv, jwksEnv, jwksUrlProblems, parseConfigChecked, peerEnv, readPeerUrls, serviceEnv, type LogLevel } from '@ordering/platform';
import { Type } from 'typebox';
import { UPSTREAM_NAMES, type UpstreamName } from './domain/upstreams.js';

const GatewayEnv = Type.Object({
  ...serviceEnv(8080),
  ...developmentModeEnv,
  ...jwksEnv,
  ...peerEnv(...UPSTREAM_NAMES),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 1200 }),
  RATE_LIMIT_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 10 }),
  // `?wait=30` holds a checkout request for up to 30 s, so the default leaves room above that.
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 600_000, default: 35_000 }),
});

export interface GatewayConfig {
  port: number;
  host: string;
  logLevel: LogLevel;
  otlpEndpoint: string | undefined;
  jwksUrl: string;
  /** Replica origins per upstream, e.g. `http://127.0.0.1:8081` (no trailing slash, no path). */
  upstreams: Readonly<Record<UpstreamName, readonly string[]>>;
  rateLimit: { max: number; windowSeconds: number };
  upstreamTimeoutMs: number;
}

export const readConfig = (env: Record<string, string | undefined> = process.env): GatewayConfig => {
  const values = parseConfigChecked(GatewayEnv, env, jwksUrlProblems);
  const upstreams = readPeerUrls(values, UPSTREAM_NAMES);
  return Object.freeze({
    port: values.PORT,
    host: values.HOST,
    logLevel: values.LOG_LEVEL,
    otlpEndpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT,
    jwksUrl: values.JWKS_URL,
    upstreams,
    rateLimit: Object.freeze({ max: values.RATE_LIMIT_MAX, windowSeconds: values.RATE_LIMIT_WINDOW_SECONDS }),
    upstreamTimeoutMs: values.UPSTREAM_TIMEOUT_MS,
  });
};
