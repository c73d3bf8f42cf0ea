import { fail, ok, type Result } from '@ordering/contracts';

/** What the orchestrator knows about an order: the sagas it ran for it. */
export interface OrderSagaSummary {
  type: string;
  status: 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'ABORTED';
  customerId: string;
}

export type CancellationRefusal = 'NOT_FOUND' | 'ORDER_NOT_CANCELLABLE';

/**
 * Answers a cancel request synchronously from the orchestrator's own records: only the owner of an order whose
 * checkout completed, and that is not already being (or been) cancelled, may start a cancellation. The saga's
 * first step re-checks the order's state atomically in the order service.
 */
export const decideCancellation = (customerId: string, sagasOfOrder: readonly OrderSagaSummary[]): Result<void, CancellationRefusal> => {
  const checkout = sagasOfOrder.find((saga) => saga.type === 'checkout');
  // Another customer's order is indistinguishable from a missing one, so ids are not revealed.
  if (!checkout || checkout.customerId !== customerId) return fail('NOT_FOUND');
  if (checkout.status !== 'COMPLETED') return fail('ORDER_NOT_CANCELLABLE');
  const activeOrDoneCancel = sagasOfOrder.some((saga) => saga.type === 'cancel-order' && saga.status !== 'ABORTED');
  return activeOrDoneCancel ? fail('ORDER_NOT_CANCELLABLE') : ok(undefined);
};
