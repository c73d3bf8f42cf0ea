import { authenticate, Page, type HttpServer, type TokenVerifier } from '@ordering/platform';
import type { SagaEngine } from '@ordering/saga';
import type { OrchestratorDatabase } from '../db/orchestrator-database.js';
import { countAdminSagas } from '../use-cases/count-admin-sagas.js';
import { listAdminSagas } from '../use-cases/list-admin-sagas.js';
import { AdminSagaJsonSchema, AdminSagaTimelineSchema } from '../use-cases/present-admin-saga.js';
import { viewSagaTimeline } from '../use-cases/view-saga-timeline.js';
import { AdminSagaCountsQuery, AdminSagaParams, AdminSagasQuery, SagaCountsSchema } from './admin-saga-schemas.js';

export interface AdminSagaRouteDeps {
  database: OrchestratorDatabase;
  engine: SagaEngine;
  verifier: TokenVerifier;
  /** TRACING_UI_URL: the timeline links a saga's trace there; unset, no link. */
  tracingUiUrl?: string | undefined;
}

const adminOnly = { tags: ['admin'], security: [{ bearerAuth: [] }] };

/** The saga console's reads (console-api.md): every saga by filters, counts per status, one saga's timeline. */
export const registerAdminSagaRoutes = (app: HttpServer, deps: AdminSagaRouteDeps): void => {
  const onRequest = authenticate(deps.verifier, ['admin']);

  app.get(
    '/api/admin/sagas',
    {
      onRequest,
      schema: {
        ...adminOnly,
        summary: 'List every saga newest first, by status, type, reason, customer, age, or a saga, order or customer id (admins only)',
        querystring: AdminSagasQuery,
        response: { 200: Page(AdminSagaJsonSchema) },
      },
    },
    async (request) => listAdminSagas(deps, request.query),
  );

  app.get(
    '/api/admin/sagas/counts',
    {
      onRequest,
      schema: {
        ...adminOnly,
        summary: 'Count the sagas matching the filters per status, exact up to the cap (admins only)',
        querystring: AdminSagaCountsQuery,
        response: { 200: SagaCountsSchema },
      },
    },
    async (request) => countAdminSagas(deps, request.query),
  );

  app.get(
    '/api/admin/sagas/:sagaId',
    {
      onRequest,
      schema: {
        ...adminOnly,
        summary: "A saga's timeline: its steps, the commands sent, its history, trace and the repairs it allows (admins only)",
        params: AdminSagaParams,
        response: { 200: AdminSagaTimelineSchema },
      },
    },
    async (request) => viewSagaTimeline(deps, request.params.sagaId),
  );
};
