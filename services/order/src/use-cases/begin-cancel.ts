import type { OrderMessages } from '@ordering/contracts';
import type { OrderExecutor } from '../db/order-repository.js';
import { succeeded, type StepOutcome } from '../domain/order-steps.js';
import { advanceOrderById } from './advance-order.js';

/**
 * Cancellation's first step: APPROVED -> CANCEL_PENDING, answered with the total the refund will give back. Only
 * the order's owner may cancel it; anyone else's order is answered as NOT_FOUND, like a missing one.
 */
export const beginCancel = async (tx: OrderExecutor, command: OrderMessages.BeginCancel): Promise<StepOutcome<{ total: number }>> => {
  const outcome = await advanceOrderById(tx, command.orderId, 'BEGIN_CANCEL', { ownerId: command.customerId });
  return outcome.ok ? succeeded({ total: outcome.value.order.total }) : outcome;
};
