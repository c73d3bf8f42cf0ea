import { createJwksTokenVerifier, createMetricsServer, startService } from '@ordering/platform';
import { buildApp } from './app.js';
import { readConfig } from './config.js';

await startService({
  service: 'gateway',
  readConfig,
  assemble: async ({ config, logger, metrics, use }) => {
    const app = await buildApp({ logger, metrics, verifier: createJwksTokenVerifier(config.jwksUrl), config });
    // The public port answers 404 for /metrics; Prometheus scrapes this listener instead. Listening before the public
    // port, so that once the gateway answers /readyz its metrics can be scraped too.
    await use({
      name: 'metrics listener',
      open: async () => {
        const metricsServer = await createMetricsServer({ logger, metrics });
        await metricsServer.listen({ host: config.metrics.host, port: config.metrics.port });
        return metricsServer;
      },
      stop: (metricsServer) => metricsServer.close(),
    });
    return app;
  },
});
