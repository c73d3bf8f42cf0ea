import type { OrderExecutor } from '../db/order-repository.js';
import { lockOrder, moveOrderIfIn, setOrderStatus } from '../db/order-step-repository.js';
import { transitionOf, type OrderEvent } from '../domain/order-state.js';
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

/**
 * advanceOrder by id, in one statement when the order is where the event leads from (what a correct saga finds):
 * the move is applied directly. Otherwise (a repeat, a refusal, no order, another customer's order) the order is
 * locked and read, and the state machine decides as in advanceOrder.
 */
export const advanceOrderById = async (
  tx: OrderExecutor,
  orderId: string,
  event: OrderEvent,
  options: { reason?: string; ownerId?: string } = {},
): Promise<StepOutcome<{ order: OrderHead }>> => {
  const moved = await moveOrderIfIn(tx, orderId, { ...transitionOf(event), reason: options.reason, ownerId: options.ownerId });
  if (moved) return succeeded({ order: moved });
  const order = await lockOrder(tx, orderId);
  // Another customer's order is answered exactly like a missing one.
  const visible = options.ownerId === undefined || order?.customerId === options.ownerId ? order : undefined;
  return advanceOrder(tx, visible, event, options.reason);
};

/** Drops the data a reply does not carry. */
export const withoutData = (outcome: StepOutcome<{ order: OrderHead }>): StepOutcome => (outcome.ok ? succeeded({}) : outcome);
