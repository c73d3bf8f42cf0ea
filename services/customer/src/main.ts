import { exitOnConfigError, runMigrations, serve, startObservability } from '@ordering/platform';
import { buildApp } from './app.js';
import { readConfig } from './config.js';
import { connectCustomerDatabase } from './db/customer-database.js';
import { MIGRATIONS_FOLDER } from './db/migrations-folder.js';
import { createLocalTokenVerifier, createTokenSigner } from './security/token-signer.js';
import { bootstrapAdmin } from './use-cases/bootstrap-admin.js';
import { ensureSigningKeys } from './use-cases/ensure-signing-keys.js';

const config = exitOnConfigError('customer', readConfig);
const { logger, metrics, tracing } = startObservability('customer', config);
const database = connectCustomerDatabase(config.databaseUrl, config.databasePoolSize, logger);
await runMigrations(database.pool, MIGRATIONS_FOLDER, logger);
const tokenSigner = await createTokenSigner(await ensureSigningKeys(database), config.tokenTtlSeconds);
logger.info({ kid: tokenSigner.kid }, 'token signing key loaded');
if (config.admin) logger.info({ email: config.admin.email, outcome: await bootstrapAdmin(database, config.admin) }, 'admin account ensured');
const app = await buildApp({
  logger,
  metrics,
  database,
  verifier: createLocalTokenVerifier(tokenSigner.jwks),
  tokenSigner,
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
