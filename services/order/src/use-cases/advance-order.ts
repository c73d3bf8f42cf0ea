import type { OrderExecutor } from '../db/order-repository.js';
import { setOrderStatus } from '../db/order-step-repository.js';
import type { OrderEvent } from '../domain/order-state.js';
import { decideStep, NOT_FOUND, refused, succeeded, type OrderHead, type StepOutcome } from '../domain/order-steps.js';

/**
 * Moves an order (already locked by the caller) one step along the state machine. A step that already happened is
 * answered as done again and changes nothing; an order that does not exist is NOT_FOUND.
 */
export const advanceOrder = async (
  tx: OrderExecutor,
  order: OrderHead | undefined,
  event: OrderEvent,
  reason?: string,
): Promise<StepOutcome<{ order: OrderHead }>> => {
  if (!order) return refused(NOT_FOUND);
  const decision = decideStep(order.status, event);
  if (decision.action === 'refuse') return refused(decision.reason);
  if (decision.action === 'transition') {
    await setOrderStatus(tx, order.id, decision.to, reason);
    return succeeded({ order: { ...order, status: decision.to } });
  }
  return succeeded({ order });
};

/** Drops the data a reply does not carry. */
export const withoutData = (outcome: StepOutcome<{ order: OrderHead }>): StepOutcome => (outcome.ok ? succeeded({}) : outcome);
