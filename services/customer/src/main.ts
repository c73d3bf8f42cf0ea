import { messagingPart } from '@ordering/messaging';
import { databasePart, exitOnConfigError, startService } from '@ordering/platform';
import { assembleCustomerApp } from './app.js';
import { readConfig } from './config.js';
import { connectCustomerDatabase } from './db/customer-database.js';
import { SERVICE_MIGRATIONS } from './db/migrations.js';
import { pruneLoginThrottles } from './use-cases/login-throttling.js';

// Forgotten failed-login rows are deleted now and then; every replica may do it (they skip each other's rows).
const PRUNE_INTERVAL_MS = 10 * 60 * 1000;

await startService({
  service: 'customer',
  readConfig,
  assemble: async ({ config, logger, metrics, use }) => {
    const database = await use(databasePart(connectCustomerDatabase, SERVICE_MIGRATIONS));
    // It only publishes (CustomerRegistered); it consumes nothing, so any inbound message is parked as a dead letter.
    const messaging = await use(messagingPart({ database, handlers: [] }));
    await use({
      name: 'login throttle pruning',
      open: () => {
        const timer = setInterval(() => {
          pruneLoginThrottles(database, new Date()).catch((error: unknown) =>
            logger.warn({ err: error }, 'pruning the login throttle failed; retried later'),
          );
        }, PRUNE_INTERVAL_MS);
        return timer.unref();
      },
      stop: async (timer) => clearInterval(timer),
    });
    const { app } = await assembleCustomerApp({
      logger,
      metrics,
      database,
      messaging,
      encryptionKey: config.signingKeyEncryptionKey,
      tokenTtlSeconds: config.tokenTtlSeconds,
      passwordHashing: config.passwordHashing,
      admin: config.admin,
      clock: () => new Date(),
      trustedProxies: config.trustedProxies,
    }).catch((error: unknown) =>
      // A stored key that does not open with SIGNING_KEY_ENCRYPTION_KEY stops the process as a bad variable does: one line, exit 78.
      exitOnConfigError('customer', () => {
        throw error;
      }),
    );
    return app;
  },
});
