import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fastify, { LogController, type FastifyInstance, type FastifyBaseLogger, type RawServerDefault, type RawRequestDefaultExpression, type RawReplyDefaultExpression } from 'fastify';
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

export interface HttpServerOptions {
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
  readiness: ReadinessCheck[];
  /** Omit for a server that publishes no OpenAPI document of its own (the gateway merges the others'). */
  openapi?: { title: string; description: string; version?: string };
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

/** Exactly one structured line per request, without query strings, headers or bodies (they can hold secrets). */
const registerRequestObservation = (app: FastifyInstance, metrics: ServiceMetrics): void => {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = routeOf(request.routeOptions.url);
    const seconds = reply.elapsedTime / 1000;
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, seconds);
    if (route === '/healthz' || route === '/readyz' || route === '/metrics') return;
    request.log.info(
      { method: request.method, route, path: request.url.split('?')[0], status: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 10) / 10 },
      'request completed',
    );
  });
};

const registerMetricsRoute = (app: FastifyInstance, metrics: ServiceMetrics): void => {
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
  const app = fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // We log one line per request ourselves (onResponse), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: resolveRequestId,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ...(options.trustProxy ? { trustProxy: [...options.trustProxy] } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(compileValidator);
  registerErrorHandling(app);
  registerJsonParser(app);
  registerHttpServerSpans(app, { service: options.service });
  registerRequestObservation(app, options.metrics);
  if (options.openapi) await registerOpenApi(app, options.openapi);
  registerHealthRoutes(app, options.readiness);
  registerMetricsRoute(app, options.metrics);
  return app;
};
