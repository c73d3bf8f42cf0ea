import { createHttpServer, databaseReadiness, type HttpServer, type Logger, type ServiceMetrics, type TokenVerifier } from '@ordering/platform';
import type { Messaging } from '@ordering/messaging';
import type { SagaEngine } from '@ordering/saga';
import type { OrchestratorDatabase, OrchestratorTx } from './db/orchestrator-database.js';
import { registerSagaRoutes } from './http/saga-routes.js';

export interface OrchestratorDeps {
  logger: Logger;
  metrics: ServiceMetrics;
  database: OrchestratorDatabase;
  verifier: TokenVerifier;
  engine: SagaEngine;
  messaging: Messaging<OrchestratorTx>;
}

export const buildApp = async (deps: OrchestratorDeps): Promise<HttpServer> => {
  const app = await createHttpServer({
    service: 'orchestrator',
    logger: deps.logger,
    metrics: deps.metrics,
    readiness: [databaseReadiness(deps.database)],
    openapi: { title: 'Orchestrator service', description: 'Checkout and cancel-order sagas' },
  });
  deps.messaging.registerRoutes(app);
  registerSagaRoutes(app, { database: deps.database, engine: deps.engine, verifier: deps.verifier, transaction: deps.messaging.transaction });
  return app;
};
