import type { OrderMessages } from '@ordering/contracts';
import type { OrderExecutor } from '../db/order-repository.js';
import { lockOrder } from '../db/order-step-repository.js';
import { succeeded, type StepOutcome } from '../domain/order-steps.js';
import { advanceOrder } from './advance-order.js';

/**
 * Cancellation's first step: APPROVED -> CANCEL_PENDING, answered with the total the refund will give back. Only
 * the order's owner may cancel it; anyone else's order is answered as NOT_FOUND, like a missing one.
 */
export const beginCancel = async (tx: OrderExecutor, command: OrderMessages.BeginCancel): Promise<StepOutcome<{ total: number }>> => {
  const order = await lockOrder(tx, command.orderId);
  const owned = order?.customerId === command.customerId ? order : undefined;
  const outcome = await advanceOrder(tx, owned, 'BEGIN_CANCEL');
  return outcome.ok ? succeeded({ total: outcome.value.order.total }) : outcome;
};
