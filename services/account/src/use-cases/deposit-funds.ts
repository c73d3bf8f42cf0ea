import { executeIdempotently, validationFailed } from '@ordering/platform';
import type { Account, LedgerEntry } from '../domain/account.js';
import { deposit, MAX_DEPOSIT, MIN_AMOUNT, type BalanceChange } from '../domain/balance-rules.js';
import type { AccountDb, AccountExecutor } from '../db/account-database.js';
import { ensureAccount, recordBalanceChange, type RecordedChange } from '../db/account-repository.js';

/** Idempotency keys are scoped per customer and per route. */
export const DEPOSIT_ROUTE = 'POST /api/accounts/me/deposits';

export interface DepositCommand {
  customerId: string;
  amount: number;
  idempotencyKey?: string | undefined;
}

export interface DepositReceipt extends RecordedChange {
  /** True when an earlier request with the same Idempotency-Key already made this deposit. */
  replayed: boolean;
}

/** How a receipt is kept with its idempotency key: jsonb has no dates, so timestamps are ISO strings. */
interface StoredReceipt {
  account: Omit<Account, 'updatedAt'> & { updatedAt: string };
  entry: Omit<LedgerEntry, 'createdAt'> & { createdAt: string };
}

const toStored = ({ account, entry }: RecordedChange): StoredReceipt => ({
  account: { ...account, updatedAt: account.updatedAt.toISOString() },
  entry: { ...entry, createdAt: entry.createdAt.toISOString() },
});

const fromStored = ({ account, entry }: StoredReceipt): RecordedChange => ({
  account: { ...account, updatedAt: new Date(account.updatedAt) },
  entry: { ...entry, createdAt: new Date(entry.createdAt) },
});

const applyDeposit = async (tx: AccountExecutor, customerId: string, change: BalanceChange): Promise<RecordedChange> => {
  await ensureAccount(tx, customerId);
  const recorded = await recordBalanceChange(tx, customerId, change);
  // Only a debit can be refused for funds; a deposit that is refused means the rules are broken.
  if (!recorded.ok) throw new Error(`a deposit was refused with ${recorded.failure}`);
  return recorded.value;
};

/**
 * Adds money to the caller's account. With an Idempotency-Key, the key is claimed in the same transaction as the
 * deposit: a repeat (even a concurrent one, which waits on the key row) gets the first answer back instead of a
 * second deposit, and a failed deposit frees the key again.
 */
export const depositFunds = async (db: AccountDb, command: DepositCommand): Promise<DepositReceipt> => {
  const change = deposit(command.amount);
  if (!change.ok) {
    throw validationFailed('The amount is out of range', [
      { path: 'body.amount', message: `must be an integer from ${MIN_AMOUNT} to ${MAX_DEPOSIT}` },
    ]);
  }
  const { customerId, amount, idempotencyKey } = command;
  return db.transaction(async (tx) => {
    if (idempotencyKey === undefined) return { ...(await applyDeposit(tx, customerId, change.value)), replayed: false };
    const result = await executeIdempotently(
      tx,
      { customerId, route: DEPOSIT_ROUTE, key: idempotencyKey, request: { amount } },
      async () => ({
        statusCode: 201,
        body: toStored(await applyDeposit(tx, customerId, change.value)),
      }),
    );
    return { ...fromStored(result.body), replayed: result.replayed };
  });
};
