import { authenticate, principalOf, type HttpServer, type TokenVerifier } from '@ordering/platform';
import { REPAIR_ACTIONS } from '@ordering/saga';
import type { RunInTransaction } from '@ordering/messaging';
import { Type } from 'typebox';
import type { OrchestratorTx } from '../db/orchestrator-database.js';
import { AdminSagaTimelineSchema } from '../use-cases/present-admin-saga.js';
import { repairSaga } from '../use-cases/repair-saga.js';
import type { SagaTimelineDeps } from '../use-cases/view-saga-timeline.js';
import { SagaParams } from './saga-schemas.js';

export interface SagaRepairRouteDeps extends SagaTimelineDeps {
  verifier: TokenVerifier;
  /** Messaging's transaction: a command the repair sends leaves right after its commit. */
  transaction: RunInTransaction<OrchestratorTx>;
}

export const RepairBody = Type.Object(
  {
    action: Type.Enum(REPAIR_ACTIONS, {
      description:
        'retry-now (RUNNING or COMPENSATING), force-compensation (RUNNING a compensatable step), mark-compensated (COMPENSATING)',
    }),
    reason: Type.String({ minLength: 3, maxLength: 500, description: "The operator's why, kept in the saga's history" }),
  },
  { additionalProperties: false },
);

export const registerSagaRepairRoutes = (app: HttpServer, deps: SagaRepairRouteDeps): void => {
  app.post(
    '/api/admin/sagas/:sagaId/repairs',
    {
      onRequest: authenticate(deps.verifier, ['admin']),
      schema: {
        tags: ['admin'],
        summary:
          'Repair a saga the engine cannot finish alone: retry now, force its compensation, or mark its compensation done (admins only)',
        security: [{ bearerAuth: [] }],
        params: SagaParams,
        body: RepairBody,
        response: { 200: AdminSagaTimelineSchema },
      },
    },
    async (request) => repairSaga(deps, principalOf(request), request.params.sagaId, request.body),
  );
};
