import { createMessaging } from '@ordering/messaging';
import { createJwksTokenVerifier, exitOnConfigError, runMigrations, serve, startObservability } from '@ordering/platform';
import { buildApp } from './app.js';
import { readConfig } from './config.js';
import { SERVICE_MIGRATIONS } from './db/migrations.js';
import { connectAccountDatabase } from './db/account-database.js';
import { createAccountMessageHandlers } from './messages/account-message-handlers.js';

const config = exitOnConfigError('account', readConfig);
const { logger, metrics, tracing } = startObservability('account', config);
const database = connectAccountDatabase(config.databaseUrl, config.databasePoolSize, logger, metrics);
await runMigrations(database.pool, SERVICE_MIGRATIONS, logger);
const messaging = createMessaging({ service: 'account', database, peers: config.peers, brokerUrl: config.brokerUrl, amqp: { namespace: config.brokerNamespace }, security: config.security, handlers: createAccountMessageHandlers({ logger }), logger, metrics });
const app = await buildApp({
  logger,
  metrics,
  database,
  verifier: createJwksTokenVerifier(config.jwksUrl),
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
