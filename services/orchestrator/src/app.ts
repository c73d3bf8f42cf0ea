import { buildMessagingServiceApp, type MessagingServiceDeps } from '@ordering/messaging';
import type { HttpServer } from '@ordering/platform';
import type { SagaEngine } from '@ordering/saga';
import type { OrchestratorDatabase, OrchestratorTx } from './db/orchestrator-database.js';
import { registerAdminSagaRoutes } from './http/admin-saga-routes.js';
import { registerSagaRepairRoutes } from './http/saga-repair-routes.js';
import { registerSagaRoutes } from './http/saga-routes.js';

export interface OrchestratorDeps extends MessagingServiceDeps<OrchestratorDatabase, OrchestratorTx> {
  engine: SagaEngine;
  /** TRACING_UI_URL: the saga console links a saga's trace there. */
  tracingUiUrl?: string | undefined;
}

export const buildApp = (deps: OrchestratorDeps): Promise<HttpServer> =>
  buildMessagingServiceApp({
    service: 'orchestrator',
    deps,
    openapi: { title: 'Orchestrator service', description: 'Checkout and cancel-order sagas' },
    registerRoutes: (app) => {
      registerSagaRoutes(app, {
        database: deps.database,
        engine: deps.engine,
        verifier: deps.verifier,
        transaction: deps.messaging.transaction,
      });
      registerSagaRepairRoutes(app, {
        database: deps.database,
        engine: deps.engine,
        verifier: deps.verifier,
        transaction: deps.messaging.transaction,
        tracingUiUrl: deps.tracingUiUrl,
      });
      registerAdminSagaRoutes(app, {
        database: deps.database,
        engine: deps.engine,
        verifier: deps.verifier,
        tracingUiUrl: deps.tracingUiUrl,
      });
    },
  });
