import { describe, expect, it } from 'vitest';
import {
  isFinal,
  ORDER_EVENTS,
  ORDER_STATUSES,
  targetOf,
  transition,
  type OrderEvent,
  type OrderStatus,
} from '../src/domain/order-state.js';

const ALLOWED: [OrderStatus, OrderEvent, OrderStatus][] = [
  ['PENDING', 'APPROVE', 'APPROVED'],
  ['PENDING', 'REJECT', 'REJECTED'],
  ['APPROVED', 'BEGIN_CANCEL', 'CANCEL_PENDING'],
  ['CANCEL_PENDING', 'CONFIRM_CANCEL', 'CANCELLED'],
  ['CANCEL_PENDING', 'UNDO_CANCEL', 'APPROVED'],
];

const isAllowed = (from: OrderStatus, event: OrderEvent): boolean => ALLOWED.some(([f, e]) => f === from && e === event);

const FORBIDDEN: [OrderStatus, OrderEvent][] = ORDER_STATUSES.flatMap((from) =>
  ORDER_EVENTS.filter((event) => !isAllowed(from, event)).map((event): [OrderStatus, OrderEvent] => [from, event]),
);

describe('order state machine', () => {
  it.each(ALLOWED)('when a %s order receives %s, then it becomes %s', (from, event, to) => {
    expect(transition(from, event)).toEqual({ ok: true, value: to });
  });

  it.each(FORBIDDEN)('when a %s order receives %s, then the transition is refused with a code', (from, event) => {
    const result = transition(from, event);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.failure).toMatchObject({ from, event });
      expect(result.failure.code).toMatch(/^[A-Z_]+$/);
    }
  });

  it.each(['PENDING', 'REJECTED', 'CANCEL_PENDING', 'CANCELLED'] as const)(
    'when a %s order is asked to begin cancelling, then it is refused as ORDER_NOT_CANCELLABLE',
    (from) => {
      expect(transition(from, 'BEGIN_CANCEL')).toEqual({
        ok: false,
        failure: { code: 'ORDER_NOT_CANCELLABLE', from, event: 'BEGIN_CANCEL' },
      });
    },
  );

  it('when a rejected order is approved, then it is refused as ORDER_TRANSITION_NOT_ALLOWED', () => {
    expect(transition('REJECTED', 'APPROVE')).toEqual({
      ok: false,
      failure: { code: 'ORDER_TRANSITION_NOT_ALLOWED', from: 'REJECTED', event: 'APPROVE' },
    });
  });

  it('when an approved order is approved again, then it is refused (a replay is recognised through targetOf instead)', () => {
    expect(transition('APPROVED', 'APPROVE').ok).toBe(false);
    expect(targetOf('APPROVE')).toBe('APPROVED');
  });

  it('when an order is REJECTED or CANCELLED, then no event moves it', () => {
    for (const status of ORDER_STATUSES.filter(isFinal)) {
      for (const event of ORDER_EVENTS) expect(transition(status, event).ok).toBe(false);
    }
    expect(ORDER_STATUSES.filter(isFinal)).toEqual(['REJECTED', 'CANCELLED']);
  });

  it('when given any status and event, then it answers with a value and never throws', () => {
    for (const status of ORDER_STATUSES) {
      for (const event of ORDER_EVENTS) expect(() => transition(status, event)).not.toThrow();
    }
  });
});
