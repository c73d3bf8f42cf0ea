import { createHttpServer, databaseReadiness, type HttpServer, type Logger, type ServiceMetrics, type TokenVerifier } from '@ordering/platform';
import type { OrchestratorDatabase } from './db/orchestrator-database.js';

export interface OrchestratorDeps {
  logger: Logger;
  metrics: ServiceMetrics;
  database: OrchestratorDatabase;
  verifier: TokenVerifier;
}

export const buildApp = async (deps: OrchestratorDeps): Promise<HttpServer> => {
  const app = await createHttpServer({
    service: 'orchestrator',
    logger: deps.logger,
    metrics: deps.metrics,
    readiness: [databaseReadiness(deps.database)],
    openapi: { title: 'Orchestrator service', description: 'Checkout and cancel-order sagas' },
  });
  return app;
};
