import { fail, ok, type Result } from '@ordering/contracts';
import type { EntryKind, LedgerEntry } from './account.js';

export const MIN_AMOUNT = 1;
/** The public limit for one deposit (API contract). */
export const MAX_DEPOSIT = 10_000_000;
/** Debits and refunds follow order totals; anything beyond exact integer range is a bug, not an order. */
export const MAX_ORDER_AMOUNT = Number.MAX_SAFE_INTEGER;

export type AmountFailure = 'AMOUNT_OUT_OF_RANGE';
export type BalanceFailure = 'INSUFFICIENT_FUNDS';

/** A validated intent to move money; `delta` is what it does to the balance. */
export interface BalanceChange {
  kind: EntryKind;
  amount: number;
  delta: number;
  orderId: string | null;
}

const isAmountWithin = (amount: number, max: number): boolean => Number.isSafeInteger(amount) && amount >= MIN_AMOUNT && amount <= max;

export const deposit = (amount: number): Result<BalanceChange, AmountFailure> =>
  isAmountWithin(amount, MAX_DEPOSIT) ? ok({ kind: 'DEPOSIT', amount, delta: amount, orderId: null }) : fail('AMOUNT_OUT_OF_RANGE');

export const debit = (amount: number, orderId: string): Result<BalanceChange, AmountFailure> =>
  isAmountWithin(amount, MAX_ORDER_AMOUNT) ? ok({ kind: 'DEBIT', amount, delta: -amount, orderId }) : fail('AMOUNT_OUT_OF_RANGE');

export const refund = (amount: number, orderId: string): Result<BalanceChange, AmountFailure> =>
  isAmountWithin(amount, MAX_ORDER_AMOUNT) ? ok({ kind: 'REFUND', amount, delta: amount, orderId }) : fail('AMOUNT_OUT_OF_RANGE');

/**
 * The balance never goes below zero. The database enforces the same rule atomically (guarded UPDATE and a
 * CHECK constraint); this is the rule stated once in plain code, and what a guarded UPDATE that matched no
 * row means.
 */
export const applyChange = (balance: number, change: BalanceChange): Result<number, BalanceFailure> => {
  const next = balance + change.delta;
  return next >= 0 ? ok(next) : fail('INSUFFICIENT_FUNDS');
};

const signOf: Record<EntryKind, 1 | -1> = { DEPOSIT: 1, DEBIT: -1, REFUND: 1 };

/** balance == sum(DEPOSIT) - sum(DEBIT) + sum(REFUND) */
export const balanceFromLedger = (entries: readonly Pick<LedgerEntry, 'kind' | 'amount'>[]): number =>
  entries.reduce((sum, entry) => sum + signOf[entry.kind] * entry.amount, 0);

export const isLedgerConsistent = (balance: number, entries: readonly Pick<LedgerEntry, 'kind' | 'amount'>[]): boolean =>
  balance >= 0 && balance === balanceFromLedger(entries);
