import { ConfigError, jwksEnv, parseConfig, serviceEnv, type LogLevel } from '@ordering/platform';
import { Type } from 'typebox';
import { UPSTREAM_NAMES, type UpstreamName } from './domain/upstreams.js';

/** A comma-separated list of replica base URLs; each is checked one by one below, for a clear message. */
const upstreamList = (defaultUrl: string) => Type.String({ minLength: 1, default: defaultUrl });

const GatewayEnv = Type.Object({
  ...serviceEnv(8080),
  ...jwksEnv,
  CUSTOMER_URL: upstreamList('http://127.0.0.1:8081'),
  ORDER_URL: upstreamList('http://127.0.0.1:8082'),
  ACCOUNT_URL: upstreamList('http://127.0.0.1:8083'),
  ORCHESTRATOR_URL: upstreamList('http://127.0.0.1:8084'),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 1200 }),
  RATE_LIMIT_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 10 }),
  // `?wait=30` holds a checkout request for up to 30 s, so the default leaves room above that.
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 600_000, default: 35_000 }),
});

const UPSTREAM_VARIABLES: Record<UpstreamName, 'CUSTOMER_URL' | 'ORDER_URL' | 'ACCOUNT_URL' | 'ORCHESTRATOR_URL'> = {
  customer: 'CUSTOMER_URL',
  order: 'ORDER_URL',
  account: 'ACCOUNT_URL',
  orchestrator: 'ORCHESTRATOR_URL',
};

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

/** Returns the replica origins, or the reason the list is unusable. */
const parseReplicaList = (raw: string): string[] | string => {
  const entries = raw.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => entry === '')) return 'must be a comma-separated list of URLs without empty entries';
  const origins: string[] = [];
  for (const entry of entries) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return `${JSON.stringify(entry)} is not a URL`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${JSON.stringify(entry)} must use http or https`;
    // The gateway forwards the client's path as is, so a base path would silently be dropped: refuse it.
    if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
      return `${JSON.stringify(entry)} must be a bare origin such as http://127.0.0.1:8081`;
    }
    origins.push(url.origin);
  }
  return origins;
};

export const readConfig = (env: Record<string, string | undefined> = process.env): GatewayConfig => {
  const values = parseConfig(GatewayEnv, env);
  const problems: string[] = [];
  const upstreams = {} as Record<UpstreamName, readonly string[]>;
  for (const name of UPSTREAM_NAMES) {
    const variable = UPSTREAM_VARIABLES[name];
    const replicas = parseReplicaList(values[variable]);
    if (typeof replicas === 'string') problems.push(`${variable}=${JSON.stringify(values[variable])} is invalid: ${replicas}`);
    else upstreams[name] = Object.freeze(replicas);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    port: values.PORT,
    host: values.HOST,
    logLevel: values.LOG_LEVEL,
    otlpEndpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT,
    jwksUrl: values.JWKS_URL,
    upstreams: Object.freeze(upstreams),
    rateLimit: Object.freeze({ max: values.RATE_LIMIT_MAX, windowSeconds: values.RATE_LIMIT_WINDOW_SECONDS }),
    upstreamTimeoutMs: values.UPSTREAM_TIMEOUT_MS,
  });
};
