import {
  createHttpServer,
  EDGE_KEEP_ALIVE_MS,
  type HttpServer,
  type Logger,
  type ServiceMetrics,
  type TokenVerifier,
} from '@ordering/platform';
import { Agent } from 'undici';
import { DEFAULT_CONSOLE_DIR, type GatewayConfig } from './config.js';
import { UPSTREAM_NAMES, type UpstreamName } from './domain/upstreams.js';
import { registerConsoleRoutes } from './http/console-routes.js';
import { registerDocsRoutes } from './http/docs-routes.js';
import { createOpenApiDocuments } from './http/openapi-merge.js';
import { acceptAnyBodyAsBytes } from './http/pass-through-body.js';
import { registerProxyRoutes } from './http/proxy-routes.js';
import { registerRateLimiting } from './http/rate-limiting.js';
import { connectSharedRateLimitStore } from './http/shared-rate-limit-store.js';
import { ROUTE_TABLE } from './http/route-table.js';
import { withSystemDocs } from './http/system-openapi.js';
import { registerSystemRoutes } from './http/system-routes.js';
import { createUpstreamPool, type UpstreamPool } from './http/upstream-pool.js';
import { upstreamReadiness } from './http/upstream-readiness.js';

export interface GatewayDeps {
  logger: Logger;
  metrics: ServiceMetrics;
  verifier: TokenVerifier;
  config: Pick<GatewayConfig, 'upstreams' | 'rateLimit' | 'upstreamTimeoutMs'> & Partial<Pick<GatewayConfig, 'consoleDir'>>;
}

/** Enough for every client of a busy replica to have its own kept-alive connection (held `?wait` requests too). */
const UPSTREAM_CONNECTIONS_PER_REPLICA = 128;

export const buildApp = async (deps: GatewayDeps): Promise<HttpServer> => {
  const connectionSettings = { connectionsPerReplica: UPSTREAM_CONNECTIONS_PER_REPLICA, timeoutMs: deps.config.upstreamTimeoutMs };
  const pools = Object.fromEntries(
    UPSTREAM_NAMES.map((name) => [name, createUpstreamPool(name, deps.config.upstreams[name], connectionSettings)]),
  ) as Record<UpstreamName, UpstreamPool>;
  // The gateway's own calls (readiness probes, OpenAPI documents); proxied traffic has the pools' connections.
  const client = new Agent({ connections: 8 });

  const app = await createHttpServer({
    service: 'gateway',
    logger: deps.logger,
    metrics: deps.metrics,
    // Not the rate-limit store: the gateway serves (failing open) while Redis is down, so taking every replica out
    // of the load balancer because of it would turn a cache outage into a whole-API outage.
    readiness: UPSTREAM_NAMES.map((name) => upstreamReadiness(pools[name], client)),
    // The public listener sits behind the cluster's load balancer, which keeps idle connections for 60 s.
    timeouts: { keepAliveMs: EDGE_KEEP_ALIVE_MS },
    // The gateway's port is public; its metrics are served on their own listener (main.ts).
    servesMetrics: false,
  });
  app.addHook('onClose', async () => {
    await Promise.all([client.close(), ...Object.values(pools).map((pool) => pool.close())]);
  });
  const sharedStore =
    deps.config.rateLimit.sharedStore && connectSharedRateLimitStore(deps.config.rateLimit.sharedStore, deps.logger, deps.metrics);
  if (sharedStore) app.addHook('onClose', async () => sharedStore.close());
  acceptAnyBodyAsBytes(app);

  // Everything clients call goes through one scope with rate limiting; /healthz and /readyz stay outside.
  await app.register(async (edge) => {
    await registerRateLimiting(edge, deps.config.rateLimit, sharedStore);
    registerProxyRoutes(edge, { routes: ROUTE_TABLE, pools, verifier: deps.verifier });
    registerSystemRoutes(edge, { pools, client, verifier: deps.verifier });
    await registerDocsRoutes(edge, withSystemDocs(createOpenApiDocuments(Object.values(pools), client, deps.logger)));
    await registerConsoleRoutes(edge, deps.config.consoleDir ?? DEFAULT_CONSOLE_DIR);
  });
  return app;
};
