import { fail, ok, type Result } from '@ordering/contracts';

/**
 * The account's part in the sagas, decided by business key (the order id), never by message id: a retried command
 * carries a new message id, and must get the original outcome back, failures included. Every outcome is recorded,
 * so the answer never changes afterwards (a debit refused for funds stays refused even after a deposit).
 */

export const OPERATION_KINDS = ['DEBIT', 'REFUND'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

/** TOMBSTONE: a refund that found nothing to give back, recorded so a late debit for the order is refused. */
export const OPERATION_OUTCOMES = ['SUCCEEDED', 'FAILED', 'TOMBSTONE'] as const;
export type OperationOutcome = (typeof OPERATION_OUTCOMES)[number];

/** A debit that arrives after its order was compensated: money is never taken after it was given back. */
export const COMPENSATED = 'COMPENSATED';

export interface AccountOperation {
  orderId: string;
  /** The account the operation moved (or would have moved) money on. */
  customerId: string;
  kind: OperationKind;
  outcome: OperationOutcome;
  /** Why a FAILED operation failed; null otherwise. */
  reason: string | null;
  /** What was debited or refunded; what was asked for when it failed; 0 for a tombstone. */
  amount: number;
  /** The ledger entry a SUCCEEDED operation wrote, and the balance right after it; null when none was written. */
  ledgerEntryId: string | null;
  balanceAfter: number | null;
}

export type DebitDecision =
  { action: 'repeat'; operation: AccountOperation } | { action: 'refuse'; reason: typeof COMPENSATED } | { action: 'debit' };

/** What a DebitAccount does, given what was already recorded for its order. */
export const decideDebit = (recorded: readonly AccountOperation[]): DebitDecision => {
  const debit = recorded.find((operation) => operation.kind === 'DEBIT');
  if (debit) return { action: 'repeat', operation: debit };
  if (recorded.some((operation) => operation.kind === 'REFUND')) return { action: 'refuse', reason: COMPENSATED };
  return { action: 'debit' };
};

export type RefundDecision =
  { action: 'repeat'; operation: AccountOperation } | { action: 'refund'; customerId: string; amount: number } | { action: 'tombstone' };

/** What a RefundAccount does: give back exactly what was debited for the order, or leave a tombstone if nothing was. */
export const decideRefund = (recorded: readonly AccountOperation[]): RefundDecision => {
  const refund = recorded.find((operation) => operation.kind === 'REFUND');
  if (refund) return { action: 'repeat', operation: refund };
  const debit = recorded.find((operation) => operation.kind === 'DEBIT');
  // The money goes back to the account it was taken from.
  if (debit?.outcome === 'SUCCEEDED') return { action: 'refund', customerId: debit.customerId, amount: debit.amount };
  return { action: 'tombstone' };
};

export interface Debited {
  amount: number;
  balanceAfter: number;
}

/** The answer a recorded debit gives, the first time and every time after. */
export const debitOutcome = (operation: AccountOperation): Result<Debited, string> => {
  if (operation.outcome === 'SUCCEEDED' && operation.balanceAfter !== null)
    return ok({ amount: operation.amount, balanceAfter: operation.balanceAfter });
  return fail(operation.reason ?? 'DEBIT_NOT_RECORDED');
};

export interface Refunded {
  refunded: number;
}

/** The answer a recorded refund gives: the amount given back (0 for a tombstone). */
export const refundOutcome = (operation: AccountOperation): Result<Refunded, string> =>
  operation.outcome === 'FAILED' ? fail(operation.reason ?? 'REFUND_NOT_RECORDED') : ok({ refunded: operation.amount });

type NewOperation = Pick<AccountOperation, 'orderId' | 'customerId'>;

export const succeededOperation = (
  base: NewOperation,
  kind: OperationKind,
  entry: { id: string; amount: number; balanceAfter: number },
): AccountOperation => ({
  ...base,
  kind,
  outcome: 'SUCCEEDED',
  reason: null,
  amount: entry.amount,
  ledgerEntryId: entry.id,
  balanceAfter: entry.balanceAfter,
});

export const failedDebit = (base: NewOperation, amount: number, reason: string): AccountOperation => ({
  ...base,
  kind: 'DEBIT',
  outcome: 'FAILED',
  reason,
  amount,
  ledgerEntryId: null,
  balanceAfter: null,
});

export const refundTombstone = (base: NewOperation): AccountOperation => ({
  ...base,
  kind: 'REFUND',
  outcome: 'TOMBSTONE',
  reason: null,
  amount: 0,
  ledgerEntryId: null,
  balanceAfter: null,
});
