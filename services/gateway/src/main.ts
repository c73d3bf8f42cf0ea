import { createJwksTokenVerifier, exitOnConfigError, serve, startObservability } from '@ordering/platform';
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
await serve({ app, host: config.host, port: config.port, logger, afterHttpClosed: [{ name: 'tracing', run: () => tracing.shutdown() }] });
