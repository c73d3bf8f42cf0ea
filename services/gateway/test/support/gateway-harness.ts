import { createLogger, createMetrics, type HttpServer, type Logger, type ServiceMetrics, type TokenVerifier } from '@ordering/platform';
import { createTestTokens, type TestTokens } from '@ordering/testing';
import { buildApp } from '../../src/app.js';
import { readConfig } from '../../src/config.js';
import { UPSTREAM_NAMES, type UpstreamName } from '../../src/domain/upstreams.js';
import { startUpstream, type TestUpstream } from './upstream-server.js';

export interface GatewayHarness {
  app: HttpServer;
  /** One echo server per upstream (unless the test replaced its URL list). */
  upstreams: Record<UpstreamName, TestUpstream>;
  tokens: TestTokens;
  /** This gateway's registry (the public port serves no /metrics). */
  metrics: ServiceMetrics;
  /** Every request any echo server received, in order. */
  allReceived(): TestUpstream['received'];
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Replace an upstream's URL list (e.g. with refusing or extra replicas). */
  upstreamUrls?: Partial<Record<UpstreamName, string>>;
  /** Other gateway environment variables, e.g. RATE_LIMIT_MAX. */
  env?: Record<string, string>;
  /** Default: silent. */
  logger?: Logger;
  /** Default: the test tokens' own verifier (as main.ts builds one, with its cache). */
  verifier?: (tokens: TestTokens) => TokenVerifier;
}

const URL_VARIABLES: Record<UpstreamName, string> = {
  customer: 'CUSTOMER_URL',
  order: 'ORDER_URL',
  account: 'ACCOUNT_URL',
  orchestrator: 'ORCHESTRATOR_URL',
};

/** A gateway built exactly as main.ts builds it (config read from an environment), in front of echo servers. */
export const startGateway = async (options: HarnessOptions = {}): Promise<GatewayHarness> => {
  const tokens = await createTestTokens();
  const upstreams = {} as Record<UpstreamName, TestUpstream>;
  for (const name of UPSTREAM_NAMES) upstreams[name] = await startUpstream(name);
  const env: Record<string, string> = { LOG_LEVEL: 'silent', ...options.env };
  for (const name of UPSTREAM_NAMES) env[URL_VARIABLES[name]] = options.upstreamUrls?.[name] ?? upstreams[name].url;
  const config = readConfig(env);
  const metrics = createMetrics('gateway');
  const app = await buildApp({
    logger: options.logger ?? createLogger({ service: 'gateway', level: 'silent' }),
    metrics,
    verifier: options.verifier?.(tokens) ?? tokens.verifier,
    config,
  });
  await app.ready();
  return {
    app,
    upstreams,
    tokens,
    metrics,
    allReceived: () => UPSTREAM_NAMES.flatMap((name) => upstreams[name].received),
    close: async () => {
      await app.close();
      await Promise.all(UPSTREAM_NAMES.map((name) => upstreams[name].close()));
    },
  };
};

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
