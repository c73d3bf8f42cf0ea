import { randomUUID } from 'node:crypto';
import type { EntryKind, LedgerEntry } from '../src/domain/account.js';

export const aCustomerId = (): string => randomUUID();

export const anIdempotencyKey = (): string => `deposit-${randomUUID()}`;

export const aDepositRequest = (amount = 1_000): { amount: number } => ({ amount });

export const anOrderId = (): string => randomUUID();

/** A ledger line for pure domain tests; only kind and amount matter to the invariant. */
export const anEntry = (kind: EntryKind, amount: number, overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  id: randomUUID(),
  customerId: randomUUID(),
  kind,
  amount,
  balanceAfter: 0,
  orderId: kind === 'DEPOSIT' ? null : randomUUID(),
  createdAt: new Date(),
  ...overrides,
});

/** Amounts the contract refuses with 400, as raw JSON bodies so that strings and huge numbers arrive verbatim. */
export const BAD_AMOUNT_BODIES: Record<string, string> = {
  negative: '{"amount":-1}',
  zero: '{"amount":0}',
  fractional: '{"amount":1.5}',
  'numeric string': '{"amount":"100"}',
  'just over the limit': '{"amount":10000001}',
  enormous: '{"amount":1e30}',
  null: '{"amount":null}',
  missing: '{}',
  'not an object': '[100]',
  boolean: '{"amount":true}',
};

export const SQL_METACHARACTERS = "'; DROP TABLE ledger_entries; --";
