import { describe, expect, it } from 'vitest';
import { applyChange, balanceFromLedger, debit, deposit, isLedgerConsistent, MAX_DEPOSIT, refund } from '../src/domain/balance-rules.js';
import { anEntry, anOrderId } from './builders.js';

describe('deposit rules', () => {
  it.each([1, 1_000, MAX_DEPOSIT])('when %d yen is deposited, then the balance grows by that much', (amount) => {
    const change = deposit(amount);
    expect(change).toEqual({ ok: true, value: { kind: 'DEPOSIT', amount, delta: amount, orderId: null } });
  });

  it.each([0, -1, 1.5, MAX_DEPOSIT + 1, Number.NaN, Number.POSITIVE_INFINITY, 1e30])(
    'when %d yen is deposited, then it is refused as out of range',
    (amount) => {
      expect(deposit(amount)).toEqual({ ok: false, failure: 'AMOUNT_OUT_OF_RANGE' });
    },
  );
});

describe('debit and refund rules', () => {
  it('when an order is debited, then the balance shrinks by its total and the entry names the order', () => {
    const orderId = anOrderId();
    expect(debit(2_500, orderId)).toEqual({ ok: true, value: { kind: 'DEBIT', amount: 2_500, delta: -2_500, orderId } });
  });

  it('when an order is refunded, then the balance grows by the refunded amount', () => {
    const orderId = anOrderId();
    expect(refund(2_500, orderId)).toEqual({ ok: true, value: { kind: 'REFUND', amount: 2_500, delta: 2_500, orderId } });
  });

  it.each([0, -5, 0.5])('when a debit or refund of %d is asked for, then it is refused as out of range', (amount) => {
    expect(debit(amount, anOrderId()).ok).toBe(false);
    expect(refund(amount, anOrderId()).ok).toBe(false);
  });

  it('when a debit would take the balance below zero, then it fails with INSUFFICIENT_FUNDS', () => {
    const change = debit(1_001, anOrderId());
    if (!change.ok) throw new Error('the debit itself is valid');
    expect(applyChange(1_000, change.value)).toEqual({ ok: false, failure: 'INSUFFICIENT_FUNDS' });
  });

  it('when a debit takes the balance exactly to zero, then it succeeds', () => {
    const change = debit(1_000, anOrderId());
    if (!change.ok) throw new Error('the debit itself is valid');
    expect(applyChange(1_000, change.value)).toEqual({ ok: true, value: 0 });
  });
});

describe('ledger invariant', () => {
  const ledger = [
    anEntry('DEPOSIT', 5_000),
    anEntry('DEBIT', 1_200),
    anEntry('REFUND', 1_200),
    anEntry('DEBIT', 800),
    anEntry('DEPOSIT', 300),
  ];

  it('when the ledger is summed, then deposits and refunds add and debits subtract', () => {
    expect(balanceFromLedger(ledger)).toBe(5_000 - 1_200 + 1_200 - 800 + 300);
  });

  it('when the balance equals the ledger sum, then the account is consistent', () => {
    expect(isLedgerConsistent(4_500, ledger)).toBe(true);
    expect(isLedgerConsistent(0, [])).toBe(true);
  });

  it('when the balance differs from the ledger sum, then the account is inconsistent', () => {
    expect(isLedgerConsistent(4_501, ledger)).toBe(false);
  });

  it('when a ledger would sum below zero, then the account is inconsistent', () => {
    expect(isLedgerConsistent(-100, [anEntry('DEBIT', 100)])).toBe(false);
  });
});
