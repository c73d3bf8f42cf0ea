import { createJwksTokenVerifier, createMetricsServer, exitOnConfigError, exitOnFatalErrors, serve, startObservability } from '@ordering/platform';
import { buildApp } from './app.js';
import { readConfig } from './config.js';

const config = exitOnConfigError('gateway', readConfig);
const { logger, metrics, tracing } = startObservability('gateway', config);
const app = await buildApp({
  logger,
  metrics,
  verifier: createJwksTokenVerifier(config.jwksUrl),
  config,
});
exitOnFatalErrors(logger);
// The public port answers 404 for /metrics; Prometheus scrapes this listener instead. Listening before the public
// port, so that once the gateway answers /readyz its metrics can be scraped too.
const metricsServer = await createMetricsServer({ logger, metrics });
await metricsServer.listen({ host: config.metrics.host, port: config.metrics.port });
await serve({
  app,
  host: config.host,
  port: config.port,
  logger,
  afterHttpClosed: [
    { name: 'metrics listener', run: () => metricsServer.close() },
    { name: 'tracing', run: () => tracing.shutdown() },
  ],
});
