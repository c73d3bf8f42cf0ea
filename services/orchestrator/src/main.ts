import { createJwksTokenVerifier, exitOnConfigError, runMigrations, serve, startObservability } from '@ordering/platform';
import { buildApp } from './app.js';
import { readConfig } from './config.js';
import { MIGRATIONS_FOLDER } from './db/migrations-folder.js';
import { connectOrchestratorDatabase } from './db/orchestrator-database.js';

const config = exitOnConfigError('orchestrator', readConfig);
const { logger, metrics, tracing } = startObservability('orchestrator', config);
const database = connectOrchestratorDatabase(config.databaseUrl, config.databasePoolSize, logger);
await runMigrations(database.pool, MIGRATIONS_FOLDER, logger);
const app = await buildApp({
  logger,
  metrics,
  database,
  verifier: createJwksTokenVerifier(config.jwksUrl),
});
await serve({
  app,
  host: config.host,
  port: config.port,
  logger,
  afterHttpClosed: [
    { name: 'database', run: () => database.close() },
    { name: 'tracing', run: () => tracing.shutdown() },
  ],
});
