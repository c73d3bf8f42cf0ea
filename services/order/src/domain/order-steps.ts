import { fail, ok, type Result } from '@ordering/contracts';
import type { Order } from './order.js';
import { transition, type OrderEvent, type OrderStatus } from './order-state.js';

/**
 * How the order participant answers the saga's commands. Every command can arrive more than once (a retry after a
 * timeout carries a new message id), so a step that already happened is answered as done again, never redone.
 */

/** What a command's reply says: success with its data, or a stable UPPER_SNAKE reason (the failure). */
export type StepOutcome<T extends object = Record<never, never>> = Result<T, string>;

export const succeeded = <T extends object>(value: T): StepOutcome<T> => ok(value);
export const refused = <T extends object = Record<never, never>>(reason: string): StepOutcome<T> => fail(reason);

/** Why an order id has a tombstone instead of an order. */
export const TOMBSTONE_CAUSES = ['CREATION_FAILED', 'REJECTED_BEFORE_CREATION'] as const;
export type TombstoneCause = (typeof TOMBSTONE_CAUSES)[number];

export interface Tombstone {
  orderId: string;
  cause: TombstoneCause;
  reason: string;
}

/** The part of an order the saga steps decide on. */
export type OrderHead = Pick<Order, 'id' | 'customerId' | 'status' | 'total'>;

/** Another customer's order is answered exactly like a missing one. */
export const NOT_FOUND = 'NOT_FOUND';
/** The orchestrator chose an order id that already belongs to another customer's order: a bug, never a retry. */
export const ORDER_ID_CONFLICT = 'ORDER_ID_CONFLICT';

export type StepRefusal = 'ORDER_NOT_PENDING' | 'ORDER_ALREADY_APPROVED' | 'ORDER_NOT_CANCELLABLE' | 'ORDER_NOT_CANCEL_PENDING';

export type StepDecision = { action: 'transition'; to: OrderStatus } | { action: 'repeat' } | { action: 'refuse'; reason: StepRefusal };

interface StepRule {
  /** Statuses in which this step has already happened (or been overtaken by later steps of the same saga). */
  doneIn: readonly OrderStatus[];
  refusal: StepRefusal;
}

const STEP_RULES: Readonly<Record<OrderEvent, StepRule>> = {
  // An approved order only moves on through cancellation, so those statuses also mean "approved earlier".
  APPROVE: { doneIn: ['APPROVED', 'CANCEL_PENDING', 'CANCELLED'], refusal: 'ORDER_NOT_PENDING' },
  // Once the money was taken and the order approved, a checkout compensation can no longer reject it.
  REJECT: { doneIn: ['REJECTED'], refusal: 'ORDER_ALREADY_APPROVED' },
  BEGIN_CANCEL: { doneIn: ['CANCEL_PENDING', 'CANCELLED'], refusal: 'ORDER_NOT_CANCELLABLE' },
  CONFIRM_CANCEL: { doneIn: ['CANCELLED'], refusal: 'ORDER_NOT_CANCEL_PENDING' },
  // APPROVED: the cancellation was undone already, or never began; either way the order is where undo leads.
  UNDO_CANCEL: { doneIn: ['APPROVED'], refusal: 'ORDER_NOT_CANCEL_PENDING' },
};

/** Given the order's status, what a saga command does: move it, answer a repeat, or refuse with a reason. */
export const decideStep = (status: OrderStatus, event: OrderEvent): StepDecision => {
  const next = transition(status, event);
  if (next.ok) return { action: 'transition', to: next.value };
  const rule = STEP_RULES[event];
  return rule.doneIn.includes(status) ? { action: 'repeat' } : { action: 'refuse', reason: rule.refusal };
};

/**
 * A CreatePendingOrder for an order id the service has seen before gets the first answer again: the order's total,
 * or the recorded failure. Undefined means the id is new and the order may be created.
 */
export const repeatedCreation = (
  order: OrderHead | undefined,
  tombstone: Pick<Tombstone, 'reason'> | undefined,
  customerId: string,
): StepOutcome<{ total: number }> | undefined => {
  if (order) return order.customerId === customerId ? succeeded({ total: order.total }) : refused(ORDER_ID_CONFLICT);
  if (tombstone) return refused(tombstone.reason);
  return undefined;
};
