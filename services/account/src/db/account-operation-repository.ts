import { eq } from 'drizzle-orm';
import type { AccountOperation } from '../domain/account-operations.js';
import type { AccountExecutor } from './account-database.js';
import { accountOperations, ledgerEntries } from './schema.js';

/** What was already recorded for an order (at most a DEBIT and a REFUND), with the balance after each entry. */
export const findOperations = async (tx: AccountExecutor, orderId: string): Promise<AccountOperation[]> =>
  tx
    .select({
      orderId: accountOperations.orderId,
      customerId: accountOperations.customerId,
      kind: accountOperations.kind,
      outcome: accountOperations.outcome,
      reason: accountOperations.reason,
      amount: accountOperations.amount,
      ledgerEntryId: accountOperations.ledgerEntryId,
      balanceAfter: ledgerEntries.balanceAfter,
    })
    .from(accountOperations)
    .leftJoin(ledgerEntries, eq(ledgerEntries.id, accountOperations.ledgerEntryId))
    .where(eq(accountOperations.orderId, orderId));

/**
 * Records an operation's outcome in the caller's transaction, together with its ledger entry if any. The primary
 * key (order, kind) refuses a second record, so a race the account lock did not serialise fails and is retried.
 */
export const recordOperation = async (tx: AccountExecutor, operation: AccountOperation): Promise<AccountOperation> => {
  await tx.insert(accountOperations).values({
    orderId: operation.orderId,
    kind: operation.kind,
    customerId: operation.customerId,
    outcome: operation.outcome,
    reason: operation.reason,
    amount: operation.amount,
    ledgerEntryId: operation.ledgerEntryId,
  });
  return operation;
};
