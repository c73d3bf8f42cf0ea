import { createMessaging } from '@ordering/messaging';
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
// It only publishes (CustomerRegistered); it consumes nothing, so any inbound message is parked as a dead letter.
const messaging = createMessaging({ service: 'customer', database, peers: config.peers, brokerUrl: config.brokerUrl, amqp: { namespace: config.brokerNamespace }, security: config.security, handlers: [], logger, metrics });
// A stored key that does not open with SIGNING_KEY_ENCRYPTION_KEY stops the process as a bad variable does: one line, exit 78.
const signingKeys = await ensureSigningKeys(database, { encryptionKey: config.signingKeyEncryptionKey, logger }).catch((error: unknown) =>
  exitOnConfigError('customer', () => {
    throw error;
  }),
);
const tokenSigner = await createTokenSigner(signingKeys, config.tokenTtlSeconds);
logger.info({ kid: tokenSigner.kid }, 'token signing key loaded');
if (config.admin) {
  logger.info({ email: config.admin.email, outcome: await bootstrapAdmin(database, config.admin) }, 'admin account ensured');
  // A newly created admin's CustomerRegistered is in the outbox: the relay's first pass sends it.
  messaging.wake();
}
const app = await buildApp({
  logger,
  metrics,
  database,
  verifier: createLocalTokenVerifier(tokenSigner.jwks),
  tokenSigner,
  messaging,
});
await serve({
  app,
  host: config.host,
  port: config.port,
  logger,
  afterHttpClosed: [
    { name: 'messaging', run: () => messaging.stop() },
    { name: 'database', run: () => database.close() },
    { name: 'tracing', run: () => tracing.shutdown() },
  ],
});
messaging.start();
