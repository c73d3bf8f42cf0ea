import { AppError, currentTraceHeaders, notFound, type Principal } from '@ordering/platform';
import { SagaAlreadyActiveError, type SagaEngine } from '@ordering/saga';
import type { RunInTransaction } from '@ordering/messaging';
import type { OrchestratorTx } from '../db/orchestrator-database.js';
import { findSagasOfOrder } from '../db/order-sagas.js';
import { cancelOrderSaga, type CancelOrderData } from '../domain/cancel-order-saga.js';
import { decideCancellation } from '../domain/cancellation-policy.js';
import { OrchestratorErrors } from '../domain/orchestrator-errors.js';
import { presentOrderSaga, type OrderSagaJson } from './present-order-saga.js';

const notCancellable = () =>
  new AppError(OrchestratorErrors.ORDER_NOT_CANCELLABLE, 409, {
    detail: 'Only an APPROVED order that is not being cancelled can be cancelled',
  });

/** Answers 404/409 synchronously, then starts the cancel-order saga in the same transaction as the check. */
export const startCancellation = async (
  deps: { transaction: RunInTransaction<OrchestratorTx>; engine: SagaEngine },
  principal: Principal,
  orderId: string,
): Promise<OrderSagaJson> =>
  deps.transaction(async (tx) => {
    const decision = decideCancellation(principal.customerId, await findSagasOfOrder(tx, orderId));
    if (!decision.ok) throw decision.failure === 'NOT_FOUND' ? notFound('No such order') : notCancellable();
    const data: CancelOrderData = { orderId, customerId: principal.customerId };
    try {
      const view = await deps.engine.start(tx, {
        type: cancelOrderSaga.type,
        businessKey: orderId,
        ownerId: principal.customerId,
        data,
        headers: currentTraceHeaders(),
      });
      return presentOrderSaga(view, cancelOrderSaga);
    } catch (error) {
      // Two cancels racing: cancel-order is one active saga per order, so the engine lets exactly one through.
      if (error instanceof SagaAlreadyActiveError) throw notCancellable();
      throw error;
    }
  });
