import fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../logging/logger.js';
import type { ServiceMetrics } from '../metrics/metrics.js';
import { registerMetricsRoute } from './create-http-server.js';

export interface MetricsServerOptions {
  logger: Logger;
  metrics: ServiceMetrics;
}

/**
 * `GET /metrics` alone, for a listener of its own: a service whose port is public (the gateway) keeps its metrics off
 * that port, and the network decides who may scrape this one. Anything else is a 404.
 */
export const createMetricsServer = async (options: MetricsServerOptions): Promise<FastifyInstance> => {
  const app = fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Scrapes every few seconds would drown the request log.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  registerMetricsRoute(app, options.metrics);
  await app.ready();
  return app;
};
