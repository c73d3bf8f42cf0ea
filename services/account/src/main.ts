import { messagingPart } from '@ordering/messaging';
import { createJwksTokenVerifier, databasePart, startService } from '@ordering/platform';
import { buildApp } from './app.js';
import { readConfig } from './config.js';
import { MIGRATIONS_FOLDER } from './db/migrations-folder.js';
import { connectAccountDatabase } from './db/account-database.js';
import { createAccountMessageHandlers } from './messages/account-message-handlers.js';

await startService({
  service: 'account',
  readConfig,
  assemble: async ({ config, logger, metrics, use }) => {
    const database = await use(databasePart(connectAccountDatabase, MIGRATIONS_FOLDER));
    const messaging = await use(messagingPart({ database, handlers: createAccountMessageHandlers({ logger }) }));
    return buildApp({ logger, metrics, database, verifier: createJwksTokenVerifier(config.jwksUrl), messaging });
  },
});
