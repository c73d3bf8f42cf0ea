import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fastify, {
  LogController,
  type FastifyInstance,
  type FastifyBaseLogger,
  type RawServerDefault,
  type RawRequestDefaultExpression,
  type RawReplyDefaultExpression,
} from 'fastify';
import type { Logger } from '../logging/logger.js';
import type { ServiceMetrics } from '../metrics/metrics.js';
import { registerErrorHandling } from './error-handler.js';
import { registerHealthRoutes, type ReadinessCheck } from './health-routes.js';
import { resolveRequestId } from './request-id.js';
import { compileValidator } from './schema-validation.js';
import { registerHttpServerSpans } from '../tracing/http-server-spans.js';

export type HttpServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export const BODY_LIMIT_BYTES = 64 * 1024;

/** How long a client may take, in milliseconds. Each limit stops a different way of holding a socket for free. */
export interface ServerTimeouts {
  /** Until the request line and headers are in: cuts a client trickling header bytes (slowloris). */
  headersMs: number;
  /**
   * Until the whole request is in (headers and at most a 64 KiB body). Node applies it only while the request is
   * being received, never to the response, so a `?wait=30` long poll is not cut by it.
   */
  requestMs: number;
  /**
   * A socket with no bytes either way for this long is closed. A long poll sends nothing while it waits, so this
   * must outlast the longest held response (`?wait=30`) with room for the gateway's hop.
   */
  idleSocketMs: number;
  /** An idle kept-alive connection between two requests. */
  keepAliveMs: number;
}

/**
 * For a service behind the gateway. 10 s for headers is ample for any honest client, even on a slow mobile link;
 * 30 s for a 64 KiB body likewise. Keep-alive is 5 s: our callers (undici) read the `Keep-Alive: timeout=5` hint
 * and close an idle connection before we do, so a short idle time frees sockets without racing a reuse.
 */
export const SERVER_TIMEOUTS: Readonly<ServerTimeouts> = Object.freeze({
  headersMs: 10_000,
  requestMs: 30_000,
  idleSocketMs: 60_000,
  keepAliveMs: 5_000,
});

/**
 * The public listener's keep-alive. Load balancers (AWS ALB, nginx and most ingresses) drop idle upstream
 * connections after 60 s; the server behind must wait longer, so the balancer, not us, closes an idle connection.
 * Otherwise it can send a request on a socket we are closing, and the client gets a 502.
 */
export const EDGE_KEEP_ALIVE_MS = 72_000;

/** Node checks headers and request deadlines on a timer (30 s by default), far too coarse for a 10 s limit. */
const deadlineCheckIntervalOf = (timeouts: ServerTimeouts): number => Math.max(10, Math.min(1_000, Math.floor(timeouts.headersMs / 4)));

export interface HttpServerOptions {
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
  readiness: ReadinessCheck[];
  /** Omit for a server that publishes no OpenAPI document of its own (the gateway merges the others'). */
  openapi?: { title: string; description: string; version?: string };
  /** Defaults: SERVER_TIMEOUTS. The gateway's public listener sets `keepAliveMs: EDGE_KEEP_ALIVE_MS`. */
  timeouts?: Partial<ServerTimeouts>;
  /** Default true. False for a public port: serve `/metrics` on a listener of its own (createMetricsServer). */
  servesMetrics?: boolean;
  /** Addresses or CIDRs whose x-forwarded-for is believed for request.ip (Fastify's trustProxy); unset, none. */
  trustProxy?: readonly string[];
}

/** An empty body with a JSON content type (e.g. a bodiless cancel) is no body, not a 400. */
const registerJsonParser = (app: FastifyInstance): void => {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, done);
  });
};

const routeOf = (url: string | undefined): string => url ?? 'unmatched';

const pathOf = (url: string): string => {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
};

/** Exactly one structured line per request, without query strings, headers or bodies (they can hold secrets). */
const registerRequestObservation = (app: FastifyInstance, metrics: ServiceMetrics): void => {
  // Callback hooks, not async ones: one promise less per hook and request, for work that never waits.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request.routeOptions.url);
    const elapsedMs = reply.elapsedTime;
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, elapsedMs / 1000);
    if (route !== '/healthz' && route !== '/readyz' && route !== '/metrics') {
      request.log.info(
        { method: request.method, route, path: pathOf(request.url), status: reply.statusCode, durationMs: Math.round(elapsedMs * 10) / 10 },
        'request completed',
      );
    }
    done();
  });
};

export const registerMetricsRoute = (app: FastifyInstance, metrics: ServiceMetrics): void => {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
};

const registerOpenApi = async (app: FastifyInstance, openapi: NonNullable<HttpServerOptions['openapi']>): Promise<void> => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: openapi.title, description: openapi.description, version: openapi.version ?? '0.1.0' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  app.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());
};

/** The service kit: every service gets the same validation, errors, ids, logs, metrics, health and docs. */
export const createHttpServer = async (options: HttpServerOptions): Promise<HttpServer> => {
  const timeouts: ServerTimeouts = { ...SERVER_TIMEOUTS, ...options.timeouts };
  const app = fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // We log one line per request ourselves (onResponse), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: resolveRequestId,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    connectionTimeout: timeouts.idleSocketMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    requestTimeout: timeouts.requestMs,
    // Fastify has no option for headersTimeout, and the check interval can only be given when the server is made.
    http: {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      connectionsCheckingInterval: deadlineCheckIntervalOf(timeouts),
    },
    ...(options.trustProxy ? { trustProxy: [...options.trustProxy] } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(compileValidator);
  registerErrorHandling(app);
  registerJsonParser(app);
  registerHttpServerSpans(app, { service: options.service });
  registerRequestObservation(app, options.metrics);
  if (options.openapi) await registerOpenApi(app, options.openapi);
  registerHealthRoutes(app, options.readiness);
  if (options.servesMetrics !== false) registerMetricsRoute(app, options.metrics);
  return app;
};
