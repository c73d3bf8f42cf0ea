import { messagingPart } from '@ordering/messaging';
import { databasePart, exitOnConfigError, startService } from '@ordering/platform';
import { buildApp } from './app.js';
import { readConfig } from './config.js';
import { connectCustomerDatabase } from './db/customer-database.js';
import { MIGRATIONS_FOLDER } from './db/migrations-folder.js';
import { createPasswordHasher } from './security/password-hashing.js';
import { createLocalTokenVerifier, createTokenSigner } from './security/token-signer.js';
import { bootstrapAdmin } from './use-cases/bootstrap-admin.js';
import { ensureSigningKeys } from './use-cases/ensure-signing-keys.js';
import { pruneLoginThrottles } from './use-cases/login-throttling.js';

// Forgotten failed-login rows are deleted now and then; every replica may do it (they skip each other's rows).
const PRUNE_INTERVAL_MS = 10 * 60 * 1000;

await startService({
  service: 'customer',
  readConfig,
  assemble: async ({ config, logger, metrics, use }) => {
    const database = await use(databasePart(connectCustomerDatabase, MIGRATIONS_FOLDER));
    // It only publishes (CustomerRegistered); it consumes nothing, so any inbound message is parked as a dead letter.
    const messaging = await use(messagingPart({ database, handlers: [] }));
    // A stored key that does not open with SIGNING_KEY_ENCRYPTION_KEY stops the process as a bad variable does: one line, exit 78.
    const signingKeys = await ensureSigningKeys(database, { encryptionKey: config.signingKeyEncryptionKey, logger }).catch((error: unknown) =>
      exitOnConfigError('customer', () => {
        throw error;
      }),
    );
    const tokenSigner = await createTokenSigner(signingKeys, config.tokenTtlSeconds);
    logger.info({ kid: tokenSigner.kid }, 'token signing key loaded');
    const passwordHasher = createPasswordHasher(config.passwordHashing);
    if (config.admin) {
      const bootstrap = await bootstrapAdmin(database, passwordHasher, config.admin);
      if (bootstrap.outcome === 'created') logger.info({ email: config.admin.email }, 'admin account created');
      else if (bootstrap.existingRole === 'admin') logger.info({ email: config.admin.email }, 'admin account exists: left as it is (its password is not reset)');
      else logger.warn({ email: config.admin.email }, 'ADMIN_EMAIL belongs to a registered customer: not promoted, no admin created; configure another address');
      // A newly created admin's CustomerRegistered is in the outbox: the relay's first pass sends it.
      messaging.wake();
    }
    await use({
      name: 'login throttle pruning',
      open: () => {
        const timer = setInterval(() => {
          pruneLoginThrottles(database, new Date()).catch((error: unknown) => logger.warn({ err: error }, 'pruning the login throttle failed; retried later'));
        }, PRUNE_INTERVAL_MS);
        return timer.unref();
      },
      stop: async (timer) => clearInterval(timer),
    });
    return buildApp({
      logger,
      metrics,
      database,
      verifier: createLocalTokenVerifier(tokenSigner.jwks),
      tokenSigner,
      messaging,
      passwordHasher,
      clock: () => new Date(),
      trustedProxies: config.trustedProxies,
    });
  },
});
