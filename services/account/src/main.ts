import { messagingPart } from '@ordering/messaging';
import { createJwksTokenVerifier, databasePart, startService } from '@ordering/platform';
import { buildApp } from './app.js';
import { readConfig } from './config.js';
import { SERVICE_MIGRATIONS } from './db/migrations.js';
import { connectAccountDatabase } from './db/account-database.js';
import { createAccountMessageHandlers } from './messages/account-message-handlers.js';

await startService({
  service: 'account',
  readConfig,
  assemble: async ({ config, logger, metrics, use }) => {
    const database = await use(databasePart(connectAccountDatabase, SERVICE_MIGRATIONS));
    const messaging = await use(messagingPart({ database, handlers: createAccountMessageHandlers({ logger }) }));
    return buildApp({ logger, metrics, database, verifier: createJwksTokenVerifier(config.jwksUrl), messaging });
  },
});
