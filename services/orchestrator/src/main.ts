import { messagingPart } from '@ordering/messaging';
import { createJwksTokenVerifier, databasePart, startService } from '@ordering/platform';
import { createSagaEngine, createSagaSweeper, registerSagaGauges } from '@ordering/saga';
import { buildApp } from './app.js';
import { readConfig } from './config.js';
import { SERVICE_MIGRATIONS } from './db/migrations.js';
import { connectOrchestratorDatabase } from './db/orchestrator-database.js';
import { SAGA_DEFINITIONS } from './domain/saga-definitions.js';

await startService({
  service: 'orchestrator',
  readConfig,
  assemble: async ({ config, logger, metrics, use }) => {
    const database = await use(databasePart(connectOrchestratorDatabase, SERVICE_MIGRATIONS));
    const engine = createSagaEngine({ definitions: SAGA_DEFINITIONS, service: 'orchestrator', logger, metrics, ...config.saga });
    const messaging = await use(messagingPart({ database, handlers: engine.replyHandlers() }));
    await use({
      name: 'saga sweeper',
      open: () => createSagaSweeper({ engine, db: database.db, logger }),
      start: (sweeper) => sweeper.start(),
      stop: (sweeper) => sweeper.stop(),
    });
    registerSagaGauges({ db: database.db, metrics, logger, definitions: SAGA_DEFINITIONS });
    return buildApp({
      logger,
      metrics,
      database,
      verifier: createJwksTokenVerifier(config.jwksUrl),
      engine,
      messaging,
      tracingUiUrl: config.tracingUiUrl,
    });
  },
});
