import { describe, expect, it } from 'vitest';
import { debitOutcome, decideDebit, decideRefund, failedDebit, refundOutcome, refundTombstone } from '../src/domain/account-operations.js';
import { aCustomerId, anOperation, anOrderId } from './builders.js';

const base = () => ({ orderId: anOrderId(), customerId: aCustomerId() });

describe('deciding a debit from what was recorded for its order', () => {
  it('when nothing was recorded, then the account is debited', () => {
    expect(decideDebit([])).toEqual({ action: 'debit' });
  });

  it('when the debit succeeded before, then it is answered again with the same amount and balance', () => {
    const debit = anOperation({ kind: 'DEBIT', amount: 900, balanceAfter: 100 });
    expect(decideDebit([debit])).toEqual({ action: 'repeat', operation: debit });
    expect(debitOutcome(debit)).toEqual({ ok: true, value: { amount: 900, balanceAfter: 100 } });
  });

  it('when the debit failed before, then the same failure is answered, whatever the balance is now', () => {
    const failed = failedDebit(base(), 900, 'INSUFFICIENT_FUNDS');
    expect(decideDebit([failed])).toEqual({ action: 'repeat', operation: failed });
    expect(debitOutcome(failed)).toEqual({ ok: false, failure: 'INSUFFICIENT_FUNDS' });
  });

  it('when a refund tombstone exists, then the debit is refused as COMPENSATED', () => {
    expect(decideDebit([refundTombstone(base())])).toEqual({ action: 'refuse', reason: 'COMPENSATED' });
  });

  it('when both were recorded, then the recorded debit decides (a repeat never turns into COMPENSATED)', () => {
    const debit = anOperation({ kind: 'DEBIT' });
    const refund = anOperation({ kind: 'REFUND', orderId: debit.orderId });
    expect(decideDebit([refund, debit])).toEqual({ action: 'repeat', operation: debit });
  });
});

describe('deciding a refund from what was recorded for its order', () => {
  it('when a debit succeeded, then exactly its amount goes back to the account it came from', () => {
    const debit = anOperation({ kind: 'DEBIT', amount: 2_140 });
    expect(decideRefund([debit])).toEqual({ action: 'refund', customerId: debit.customerId, amount: 2_140 });
  });

  it('when no debit was recorded, then a tombstone is left', () => {
    expect(decideRefund([])).toEqual({ action: 'tombstone' });
  });

  it('when the debit failed, then a tombstone is left and nothing is given back', () => {
    expect(decideRefund([failedDebit(base(), 500, 'INSUFFICIENT_FUNDS')])).toEqual({ action: 'tombstone' });
  });

  it('when the refund was recorded before, then it is answered again and nothing more is given back', () => {
    const refund = anOperation({ kind: 'REFUND', amount: 700 });
    expect(decideRefund([anOperation({ kind: 'DEBIT', amount: 700 }), refund])).toEqual({ action: 'repeat', operation: refund });
    expect(refundOutcome(refund)).toEqual({ ok: true, value: { refunded: 700 } });
  });

  it('when the recorded refund is a tombstone, then it answers that 0 was refunded', () => {
    const tombstone = refundTombstone(base());
    expect(decideRefund([tombstone])).toEqual({ action: 'repeat', operation: tombstone });
    expect(refundOutcome(tombstone)).toEqual({ ok: true, value: { refunded: 0 } });
  });
});
