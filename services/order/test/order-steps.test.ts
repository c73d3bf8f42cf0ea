import { describe, expect, it } from 'vitest';
import { ORDER_EVENTS, ORDER_STATUSES, transition, type OrderEvent, type OrderStatus } from '../src/domain/order-state.js';
import { decideStep, repeatedCreation, type StepDecision } from '../src/domain/order-steps.js';
import { aCustomerId } from './builders.js';

/** Every status and event, with what a saga command does there. */
const EXPECTED: Record<OrderEvent, Record<OrderStatus, StepDecision>> = {
  APPROVE: {
    PENDING: { action: 'transition', to: 'APPROVED' },
    APPROVED: { action: 'repeat' },
    CANCEL_PENDING: { action: 'repeat' },
    CANCELLED: { action: 'repeat' },
    REJECTED: { action: 'refuse', reason: 'ORDER_NOT_PENDING' },
  },
  REJECT: {
    PENDING: { action: 'transition', to: 'REJECTED' },
    REJECTED: { action: 'repeat' },
    APPROVED: { action: 'refuse', reason: 'ORDER_ALREADY_APPROVED' },
    CANCEL_PENDING: { action: 'refuse', reason: 'ORDER_ALREADY_APPROVED' },
    CANCELLED: { action: 'refuse', reason: 'ORDER_ALREADY_APPROVED' },
  },
  BEGIN_CANCEL: {
    APPROVED: { action: 'transition', to: 'CANCEL_PENDING' },
    CANCEL_PENDING: { action: 'repeat' },
    CANCELLED: { action: 'repeat' },
    PENDING: { action: 'refuse', reason: 'ORDER_NOT_CANCELLABLE' },
    REJECTED: { action: 'refuse', reason: 'ORDER_NOT_CANCELLABLE' },
  },
  CONFIRM_CANCEL: {
    CANCEL_PENDING: { action: 'transition', to: 'CANCELLED' },
    CANCELLED: { action: 'repeat' },
    PENDING: { action: 'refuse', reason: 'ORDER_NOT_CANCEL_PENDING' },
    APPROVED: { action: 'refuse', reason: 'ORDER_NOT_CANCEL_PENDING' },
    REJECTED: { action: 'refuse', reason: 'ORDER_NOT_CANCEL_PENDING' },
  },
  UNDO_CANCEL: {
    CANCEL_PENDING: { action: 'transition', to: 'APPROVED' },
    APPROVED: { action: 'repeat' },
    PENDING: { action: 'refuse', reason: 'ORDER_NOT_CANCEL_PENDING' },
    REJECTED: { action: 'refuse', reason: 'ORDER_NOT_CANCEL_PENDING' },
    CANCELLED: { action: 'refuse', reason: 'ORDER_NOT_CANCEL_PENDING' },
  },
};

const CASES = ORDER_EVENTS.flatMap((event) =>
  ORDER_STATUSES.map((status): [OrderEvent, OrderStatus, StepDecision] => [event, status, EXPECTED[event][status]]),
);

describe('deciding a saga step', () => {
  it.each(CASES)('when %s reaches a %s order, then the step decides %o', (event, status, expected) => {
    expect(decideStep(status, event)).toEqual(expected);
  });

  it('when a step moves the order, then it moves it exactly as the state machine allows', () => {
    for (const [event, status] of CASES) {
      const decision = decideStep(status, event);
      const next = transition(status, event);
      expect(decision.action === 'transition', `${event} on ${status}`).toBe(next.ok);
      if (decision.action === 'transition' && next.ok) expect(decision.to).toBe(next.value);
    }
  });

  it('when a step is repeated after it moved the order, then the repeat changes nothing and succeeds', () => {
    for (const [event, status] of CASES) {
      const decision = decideStep(status, event);
      if (decision.action === 'transition')
        expect(decideStep(decision.to, event), `${event} twice from ${status}`).toEqual({ action: 'repeat' });
    }
  });

  it('when every reason is looked at, then each is a stable UPPER_SNAKE code', () => {
    for (const [event, status] of CASES) {
      const decision = decideStep(status, event);
      if (decision.action === 'refuse') expect(decision.reason).toMatch(/^[A-Z][A-Z0-9_]*$/);
    }
  });
});

describe('recognising a repeated CreatePendingOrder', () => {
  const customerId = aCustomerId();
  const order = { id: 'o', customerId, status: 'REJECTED' as const, total: 1_200 };

  it('when the order exists, then the answer is its total again, whatever its status now', () => {
    expect(repeatedCreation(order, undefined, customerId)).toEqual({ ok: true, value: { total: 1_200 } });
  });

  it('when the order id belongs to another customer, then it is refused as ORDER_ID_CONFLICT', () => {
    expect(repeatedCreation(order, undefined, aCustomerId())).toEqual({ ok: false, failure: 'ORDER_ID_CONFLICT' });
  });

  it('when only a tombstone exists, then the answer is its recorded reason', () => {
    expect(repeatedCreation(undefined, { reason: 'TIMEOUT' }, customerId)).toEqual({ ok: false, failure: 'TIMEOUT' });
  });

  it('when the order id is new, then there is nothing to repeat', () => {
    expect(repeatedCreation(undefined, undefined, customerId)).toBeUndefined();
  });
});
