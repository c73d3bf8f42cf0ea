import { describe, expect, it } from 'vitest';
import { decideCancellation, type OrderSagaSummary } from '../src/domain/cancellation-policy.js';

const owner = 'c1';
const checkout = (status: OrderSagaSummary['status'], customerId = owner): OrderSagaSummary => ({ type: 'checkout', status, customerId });
const cancel = (status: OrderSagaSummary['status']): OrderSagaSummary => ({ type: 'cancel-order', status, customerId: owner });

describe('decideCancellation', () => {
  it('when the owner cancels a completed checkout, then it may start', () => {
    expect(decideCancellation(owner, [checkout('COMPLETED')])).toEqual({ ok: true, value: undefined });
  });

  it('when a previous cancellation was aborted (the order is APPROVED again), then it may start again', () => {
    expect(decideCancellation(owner, [checkout('COMPLETED'), cancel('ABORTED')])).toEqual({ ok: true, value: undefined });
  });

  it("when there is no checkout, or it is someone else's, then NOT_FOUND", () => {
    expect(decideCancellation(owner, [])).toEqual({ ok: false, failure: 'NOT_FOUND' });
    expect(decideCancellation(owner, [checkout('COMPLETED', 'someone-else')])).toEqual({ ok: false, failure: 'NOT_FOUND' });
  });

  it.each(['RUNNING', 'COMPENSATING', 'ABORTED'] as const)('when the checkout is %s, then ORDER_NOT_CANCELLABLE', (status) => {
    expect(decideCancellation(owner, [checkout(status)])).toEqual({ ok: false, failure: 'ORDER_NOT_CANCELLABLE' });
  });

  it.each(['RUNNING', 'COMPENSATING', 'COMPLETED'] as const)('when a cancellation is %s, then ORDER_NOT_CANCELLABLE', (status) => {
    expect(decideCancellation(owner, [checkout('COMPLETED'), cancel(status)])).toEqual({ ok: false, failure: 'ORDER_NOT_CANCELLABLE' });
  });
});
