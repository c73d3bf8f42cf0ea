import { AppError, notFound, type Principal } from '@ordering/platform';
import { SagaNotFoundError, SagaRepairNotAllowedError, type RepairAction } from '@ordering/saga';
import type { RunInTransaction } from '@ordering/messaging';
import type { OrchestratorTx } from '../db/orchestrator-database.js';
import { OrchestratorErrors } from '../domain/orchestrator-errors.js';
import type { AdminSagaTimeline } from './present-admin-saga.js';
import { viewSagaTimeline, type SagaTimelineDeps } from './view-saga-timeline.js';

export interface RepairRequest {
  action: RepairAction;
  /** The operator's why, kept in the saga's history. */
  reason: string;
}

/** The engine's refusals as the API's problems: nothing was changed in either case. */
const asAppError = (error: unknown): unknown => {
  if (error instanceof SagaNotFoundError) return notFound('No such saga');
  if (error instanceof SagaRepairNotAllowedError)
    return new AppError(OrchestratorErrors.REPAIR_NOT_ALLOWED, 409, { detail: error.message });
  return error;
};

/**
 * An admin's repair of a saga the engine cannot finish alone. It runs in messaging's transaction, so a command it
 * sends (again) leaves right after the commit instead of at the relay's next poll.
 */
export const repairSaga = async (
  deps: SagaTimelineDeps & { transaction: RunInTransaction<OrchestratorTx> },
  principal: Principal,
  sagaId: string,
  request: RepairRequest,
): Promise<AdminSagaTimeline> => {
  try {
    await deps.transaction((tx) =>
      deps.engine.repair(tx, { sagaId, action: request.action, actor: principal.customerId, why: request.reason }),
    );
  } catch (error) {
    throw asAppError(error);
  }
  // Read after the commit: the timeline shows the repair's history row and the command it sent.
  return viewSagaTimeline(deps, sagaId);
};
