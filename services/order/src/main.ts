import { messagingPart } from '@ordering/messaging';
import { createJwksTokenVerifier, databasePart, startService } from '@ordering/platform';
import { buildApp } from './app.js';
import { readConfig } from './config.js';
import { SERVICE_MIGRATIONS } from './db/migrations.js';
import { connectOrderDatabase } from './db/order-database.js';
import { createOrderMessageHandlers } from './messages/order-message-handlers.js';

await startService({
  service: 'order',
  readConfig,
  assemble: async ({ config, logger, metrics, use }) => {
    const database = await use(databasePart(connectOrderDatabase, SERVICE_MIGRATIONS));
    const messaging = await use(messagingPart({ database, handlers: createOrderMessageHandlers({ logger }) }));
    return buildApp({ logger, metrics, database, verifier: createJwksTokenVerifier(config.jwksUrl), messaging });
  },
});
