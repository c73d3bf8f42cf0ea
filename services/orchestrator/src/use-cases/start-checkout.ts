import { randomUUID } from 'node:crypto';
import { currentTraceHeaders, executeIdempotently, type Principal } from '@ordering/platform';
import type { SagaEngine } from '@ordering/saga';
import type { RunInTransaction } from '@ordering/messaging';
import type { OrchestratorTx } from '../db/orchestrator-database.js';
import { checkoutSaga, type CheckoutData } from '../domain/checkout-saga.js';
import { presentOrderSaga, type OrderSagaJson } from './present-order-saga.js';

export interface CheckoutRequest {
  items: CheckoutData['items'];
}

export interface StartedSaga {
  statusCode: number;
  saga: OrderSagaJson;
}

export const CHECKOUT_ROUTE = 'POST /api/checkout';

/**
 * Starts a checkout saga: its instance and first command commit together. With an Idempotency-Key, a repeat of
 * the same request returns the saga it started the first time instead of starting another. The first command
 * is sent right after commit by `transaction` (messaging's).
 */
export const startCheckout = async (
  deps: { transaction: RunInTransaction<OrchestratorTx>; engine: SagaEngine },
  principal: Principal,
  request: CheckoutRequest,
  idempotencyKey: string | undefined,
): Promise<StartedSaga> =>
  deps.transaction(async (tx) => {
    const begin = async () => {
      const orderId = randomUUID();
      const data: CheckoutData = { orderId, customerId: principal.customerId, items: request.items };
      const view = await deps.engine.start(tx, {
        type: checkoutSaga.type,
        businessKey: orderId,
        ownerId: principal.customerId,
        data,
        headers: currentTraceHeaders(),
      });
      return { statusCode: 202, body: presentOrderSaga(view, checkoutSaga) };
    };
    if (!idempotencyKey) {
      const started = await begin();
      return { statusCode: started.statusCode, saga: started.body };
    }
    const result = await executeIdempotently(
      tx,
      { customerId: principal.customerId, route: CHECKOUT_ROUTE, key: idempotencyKey, request },
      begin,
    );
    return { statusCode: result.statusCode, saga: result.body };
  });
