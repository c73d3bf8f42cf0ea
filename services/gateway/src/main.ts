import { createJwksTokenVerifier, createLogger, createMetrics, exitOnConfigError, serve } from '@ordering/platform';
import { buildApp } from './app.js';
import { readConfig } from './config.js';

const config = exitOnConfigError('gateway', readConfig);
const logger = createLogger({ service: 'gateway', level: config.logLevel });
const app = await buildApp({
  logger,
  metrics: createMetrics('gateway'),
  verifier: createJwksTokenVerifier(config.jwksUrl),
  config,
});
await serve({ app, host: config.host, port: config.port, logger, afterHttpClosed: [] });
