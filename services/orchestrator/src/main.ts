import { createJwksTokenVerifier, createLogger, createMetrics, exitOnConfigError, runMigrations, serve } from '@ordering/platform';
import { buildApp } from './app.js';
import { readConfig } from './config.js';
import { MIGRATIONS_FOLDER } from './db/migrations-folder.js';
import { connectOrchestratorDatabase } from './db/orchestrator-database.js';

const config = exitOnConfigError('orchestrator', readConfig);
const logger = createLogger({ service: 'orchestrator', level: config.logLevel });
const database = connectOrchestratorDatabase(config.databaseUrl, config.databasePoolSize, logger);
await runMigrations(database.pool, MIGRATIONS_FOLDER, logger);
const app = await buildApp({
  logger,
  metrics: createMetrics('orchestrator'),
  database,
  verifier: createJwksTokenVerifier(config.jwksUrl),
});
await serve({ app, host: config.host, port: config.port, logger, afterHttpClosed: [{ name: 'database', run: () => database.close() }] });
