import { AppError, currentTraceHeaders, notFound, type Principal } from '@ordering/platform';
import { presentSaga, SagaAlreadyActiveError, type SagaEngine, type SagaJson } from '@ordering/saga';
import type { RunInTransaction } from '@ordering/messaging';
import type { OrchestratorTx } from '../db/orchestrator-database.js';
import { findSagasOfOrder } from '../db/order-sagas.js';
import { cancelOrderSaga, type CancelOrderData } from '../domain/cancel-order-saga.js';
import { decideCancellation } from '../domain/cancellation-policy.js';
import { OrchestratorErrors } from '../domain/orchestrator-errors.js';

const notCancellable = () => new AppError(OrchestratorErrors.ORDER_NOT_CANCELLABLE, 409, { detail: 'Only an APPROVED order that is not being cancelled can be cancelled' });

/** Answers 404/409 synchronously, then starts the cancel-order saga in the same transaction as the check. */
export const startCancellation = async (
  deps: { transaction: RunInTransaction<OrchestratorTx>; engine: SagaEngine },
  principal: Principal,
  orderId: string,
): Promise<SagaJson> =>
  deps.transaction(async (tx) => {
    const decision = decideCancellation(principal.customerId, await findSagasOfOrder(tx, orderId));
    if (!decision.ok) throw decision.failure === 'NOT_FOUND' ? notFound('No such order') : notCancellable();
    const data: CancelOrderData = { orderId, customerId: principal.customerId };
    try {
      const view = await deps.engine.start(tx, { type: cancelOrderSaga.type, orderId, customerId: principal.customerId, data, headers: currentTraceHeaders() });
      return presentSaga(view.saga, view.steps, cancelOrderSaga);
    } catch (error) {
      // Two cancels racing: the partial unique index lets exactly one through.
      if (error instanceof SagaAlreadyActiveError) throw notCancellable();
      throw error;
    }
  });
