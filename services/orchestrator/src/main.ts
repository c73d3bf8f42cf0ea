import { createMessaging } from '@ordering/messaging';
import { createJwksTokenVerifier, exitOnConfigError, runMigrations, serve, startObservability } from '@ordering/platform';
import { createSagaEngine, createSagaSweeper, registerSagaGauges } from '@ordering/saga';
import { buildApp } from './app.js';
import { readConfig } from './config.js';
import { SERVICE_MIGRATIONS } from './db/migrations.js';
import { connectOrchestratorDatabase } from './db/orchestrator-database.js';
import { SAGA_DEFINITIONS } from './domain/saga-definitions.js';

const config = exitOnConfigError('orchestrator', readConfig);
const { logger, metrics, tracing } = startObservability('orchestrator', config);
const database = connectOrchestratorDatabase(config.databaseUrl, config.databasePoolSize, logger, metrics);
await runMigrations(database.pool, SERVICE_MIGRATIONS, logger);
const engine = createSagaEngine({ definitions: SAGA_DEFINITIONS, service: 'orchestrator', logger, metrics, ...config.saga });
const messaging = createMessaging({ service: 'orchestrator', database, peers: config.peers, brokerUrl: config.brokerUrl, amqp: { namespace: config.brokerNamespace }, security: config.security, handlers: engine.replyHandlers(), logger, metrics });
const sweeper = createSagaSweeper({ engine, db: database.db, logger });
registerSagaGauges({ db: database.db, metrics, logger, definitions: SAGA_DEFINITIONS });
const app = await buildApp({ logger, metrics, database, verifier: createJwksTokenVerifier(config.jwksUrl), engine, messaging });
await serve({
  app,
  host: config.host,
  port: config.port,
  logger,
  afterHttpClosed: [
    { name: 'saga sweeper', run: () => sweeper.stop() },
    { name: 'messaging', run: () => messaging.stop() },
    { name: 'database', run: () => database.close() },
    { name: 'tracing', run: () => tracing.shutdown() },
  ],
});
messaging.start();
sweeper.start();
