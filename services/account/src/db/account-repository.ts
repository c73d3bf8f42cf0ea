import { randomUUID } from 'node:crypto';
import { fail, ok, type Result } from '@ordering/contracts';
import { prepareStatement } from '@ordering/saga';
import { and, eq, sql } from 'drizzle-orm';
import type { Account, LedgerEntry } from '../domain/account.js';
import type { BalanceChange, BalanceFailure } from '../domain/balance-rules.js';
import type { AccountExecutor } from './account-database.js';
import { toLedgerEntry } from './ledger-repository.js';
import { accounts, ledgerEntries } from './schema.js';

type AccountRow = typeof accounts.$inferSelect;

const toAccount = (row: AccountRow): Account => ({
  customerId: row.customerId,
  balance: row.balance,
  currency: row.currency,
  updatedAt: row.updatedAt,
});

/**
 * Every customer has exactly one account. Idempotent and safe under concurrency: a racing second insert waits
 * for the first to commit and then does nothing. Used lazily by the HTTP routes and the saga
 * operations, and eagerly by the CustomerRegistered handler.
 */
export const ensureAccount = async (executor: AccountExecutor, customerId: string): Promise<void> => {
  await executor.insert(accounts).values({ customerId }).onConflictDoNothing({ target: accounts.customerId });
};

const lockAccountStatement = prepareStatement<{ customerId: string }, { customerId: string }>(
  'account_lock',
  sql`select customer_id as "customerId" from accounts where customer_id = ${sql.placeholder('customerId')}::uuid for update`,
);

/**
 * Holds the account's row lock until commit, opening the account first if the customer has none yet (the
 * CustomerRegistered event opens it, so that is rare: one statement in the common case). Saga operations take it
 * before reading what was recorded for their order, so a debit and a refund of one order (or two copies of either)
 * run one after the other.
 */
export const lockOrOpenAccount = async (tx: AccountExecutor, customerId: string): Promise<void> => {
  if ((await lockAccountStatement.run(tx, { customerId })).length === 1) return;
  await ensureAccount(tx, customerId);
  if ((await lockAccountStatement.run(tx, { customerId })).length === 0)
    throw new Error(`account ${customerId} is missing right after ensureAccount`);
};

export const findAccount = async (executor: AccountExecutor, customerId: string): Promise<Account | undefined> => {
  const rows = await executor.select().from(accounts).where(eq(accounts.customerId, customerId));
  return rows[0] ? toAccount(rows[0]) : undefined;
};

export interface RecordedChange {
  account: Account;
  entry: LedgerEntry;
}

/**
 * Applies a balance change and appends its ledger entry; call it inside the caller's transaction so both
 * commit together. The guarded UPDATE locks the account row and checks the new balance atomically, so
 * concurrent changes serialise on the row and no read-modify-write race can overdraw the account.
 *
 * `updated_at` moves strictly forward per account (at least 1 ms per change) and becomes the entry's
 * `created_at`: a customer's ledger sorts newest first exactly in the order the changes were applied,
 * even for changes within the same millisecond or from transactions that started in another order.
 */
export const recordBalanceChange = async (
  tx: AccountExecutor,
  customerId: string,
  change: BalanceChange,
): Promise<Result<RecordedChange, BalanceFailure>> => {
  const [updated] = await tx
    .update(accounts)
    .set({
      balance: sql`${accounts.balance} + ${change.delta}`,
      updatedAt: sql`greatest(clock_timestamp(), ${accounts.updatedAt} + interval '1 millisecond')`,
    })
    .where(and(eq(accounts.customerId, customerId), sql`${accounts.balance} + ${change.delta} >= 0`))
    .returning();
  if (!updated) {
    if (!(await findAccount(tx, customerId))) throw new Error('recordBalanceChange needs an existing account: call ensureAccount first');
    return fail('INSUFFICIENT_FUNDS');
  }
  const [entry] = await tx
    .insert(ledgerEntries)
    .values({
      id: randomUUID(),
      customerId,
      kind: change.kind,
      amount: change.amount,
      balanceAfter: updated.balance,
      orderId: change.orderId,
      createdAt: updated.updatedAt,
    })
    .returning();
  if (!entry) throw new Error('inserting a ledger entry returned no row');
  return ok({ account: toAccount(updated), entry: toLedgerEntry(entry) });
};
