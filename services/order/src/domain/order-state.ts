import { fail, ok, type Result } from '@ordering/contracts';

/**
 * The order's life cycle. Only the sagas move an order; each saga command maps to one event here.
 *
 *   PENDING --APPROVE--> APPROVED --BEGIN_CANCEL--> CANCEL_PENDING --CONFIRM_CANCEL--> CANCELLED
 *      \                    ^                            |
 *       --REJECT--> REJECTED  \-------UNDO_CANCEL--------/
 */
export const ORDER_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'CANCEL_PENDING', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_EVENTS = ['APPROVE', 'REJECT', 'BEGIN_CANCEL', 'CONFIRM_CANCEL', 'UNDO_CANCEL'] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

export type TransitionFailureCode = 'ORDER_NOT_CANCELLABLE' | 'ORDER_TRANSITION_NOT_ALLOWED';

export interface TransitionFailure {
  code: TransitionFailureCode;
  from: OrderStatus;
  event: OrderEvent;
}

const TRANSITIONS: Readonly<Record<OrderEvent, { from: OrderStatus; to: OrderStatus }>> = {
  APPROVE: { from: 'PENDING', to: 'APPROVED' },
  REJECT: { from: 'PENDING', to: 'REJECTED' },
  BEGIN_CANCEL: { from: 'APPROVED', to: 'CANCEL_PENDING' },
  CONFIRM_CANCEL: { from: 'CANCEL_PENDING', to: 'CANCELLED' },
  UNDO_CANCEL: { from: 'CANCEL_PENDING', to: 'APPROVED' },
};

/** REJECTED and CANCELLED are final: nothing moves an order out of them. */
export const isFinal = (status: OrderStatus): boolean => status === 'REJECTED' || status === 'CANCELLED';

/** The one move an event makes: from this status to that one. */
export const transitionOf = (event: OrderEvent): { from: OrderStatus; to: OrderStatus } => TRANSITIONS[event];

/** The status an event leads to, so a participant can recognise a repeated command for a step already done. */
export const targetOf = (event: OrderEvent): OrderStatus => TRANSITIONS[event].to;

/** Returns the next status, or a coded failure the caller maps to a reply or an HTTP error. Never throws. */
export const transition = (from: OrderStatus, event: OrderEvent): Result<OrderStatus, TransitionFailure> => {
  const rule = TRANSITIONS[event];
  if (rule.from === from) return ok(rule.to);
  // Cancelling is the one transition a customer asks for, so its refusal has its own public code.
  const code = event === 'BEGIN_CANCEL' ? 'ORDER_NOT_CANCELLABLE' : 'ORDER_TRANSITION_NOT_ALLOWED';
  return fail({ code, from, event });
};
