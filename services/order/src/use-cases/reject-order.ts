import type { OrderMessages } from '@ordering/contracts';
import type { OrderExecutor } from '../db/order-repository.js';
import { insertTombstone, lockOrder, lockOrderId, moveOrderIfIn } from '../db/order-step-repository.js';
import { transitionOf } from '../domain/order-state.js';
import { succeeded, type StepOutcome } from '../domain/order-steps.js';
import { advanceOrder, withoutData } from './advance-order.js';

/**
 * Compensates CreatePendingOrder: PENDING -> REJECTED with the saga's reason. When the order does not exist (its
 * creation failed, or this compensation overtook it) a tombstone is left instead, so a late CreatePendingOrder
 * replies FAILED and creates nothing.
 */
export const rejectOrder = async (tx: OrderExecutor, command: OrderMessages.RejectOrder): Promise<StepOutcome> => {
  // Taken before looking, so a CreatePendingOrder running right now either finishes first or sees the tombstone.
  await lockOrderId(tx, command.orderId);
  if (await moveOrderIfIn(tx, command.orderId, { ...transitionOf('REJECT'), reason: command.reason })) return succeeded({});
  const order = await lockOrder(tx, command.orderId);
  if (order) return withoutData(await advanceOrder(tx, order, 'REJECT', command.reason));
  await insertTombstone(tx, { orderId: command.orderId, cause: 'REJECTED_BEFORE_CREATION', reason: command.reason });
  return succeeded({});
};
