import { randomUUID } from 'node:crypto';
import { prepareStatement } from '@ordering/saga';
import { sql } from 'drizzle-orm';
import { succeededOperation, type AccountOperation, type OperationKind } from '../domain/account-operations.js';
import type { BalanceChange } from '../domain/balance-rules.js';
import type { AccountExecutor } from './account-database.js';
import { accountOperations } from './schema.js';

const findOperationsStatement = prepareStatement<{ orderId: string }, AccountOperation>(
  'account_find_operations',
  sql`select operation.order_id as "orderId", operation.customer_id as "customerId", operation.kind, operation.outcome, operation.reason,
             operation.amount, operation.ledger_entry_id as "ledgerEntryId", entry.balance_after as "balanceAfter"
        from account_operations operation
        left join ledger_entries entry on entry.id = operation.ledger_entry_id
       where operation.order_id = ${sql.placeholder('orderId')}::uuid`,
);

/** What was already recorded for an order (at most a DEBIT and a REFUND), with the balance after each entry. */
export const findOperations = (tx: AccountExecutor, orderId: string): Promise<AccountOperation[]> =>
  findOperationsStatement.run(tx, { orderId });

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

const applyOperationStatement = prepareStatement<
  {
    orderId: string;
    customerId: string;
    kind: OperationKind;
    entryId: string;
    entryKind: string;
    amount: number;
    delta: number;
    recordRefusal: boolean;
    refusedOutcome: string | null;
    refusedReason: string | null;
    refusedAmount: number | null;
  },
  { entryId: string | null; balanceAfter: number | null }
>(
  'account_apply_operation',
  sql`with account as (
    update accounts
       set balance = balance + ${sql.placeholder('delta')}::bigint,
           updated_at = greatest(clock_timestamp(), updated_at + interval '1 millisecond')
     where customer_id = ${sql.placeholder('customerId')}::uuid and balance + ${sql.placeholder('delta')}::bigint >= 0
    returning balance, updated_at
  ), entry as (
    insert into ledger_entries (id, customer_id, kind, amount, balance_after, order_id, created_at)
    select ${sql.placeholder('entryId')}::uuid, ${sql.placeholder('customerId')}::uuid, ${sql.placeholder('entryKind')}, ${sql.placeholder('amount')}::bigint,
           account.balance, ${sql.placeholder('orderId')}::uuid, account.updated_at
      from account
    returning id, balance_after
  ), succeeded as (
    insert into account_operations (order_id, kind, customer_id, outcome, reason, amount, ledger_entry_id)
    select ${sql.placeholder('orderId')}::uuid, ${sql.placeholder('kind')}, ${sql.placeholder('customerId')}::uuid, 'SUCCEEDED', null,
           ${sql.placeholder('amount')}::bigint, entry.id
      from entry
  ), refused as (
    insert into account_operations (order_id, kind, customer_id, outcome, reason, amount, ledger_entry_id)
    select ${sql.placeholder('orderId')}::uuid, ${sql.placeholder('kind')}, ${sql.placeholder('customerId')}::uuid, ${sql.placeholder('refusedOutcome')},
           ${sql.placeholder('refusedReason')}, ${sql.placeholder('refusedAmount')}::bigint, null
     where ${sql.placeholder('recordRefusal')}::boolean and not exists (select 1 from account)
  )
  select (select id from entry) as "entryId", (select balance_after from entry) as "balanceAfter"`,
);

/**
 * A saga operation that moves money, in one statement: the guarded balance change (it applies only if the balance
 * stays non-negative, like recordBalanceChange), its ledger entry (stamped with the account's new updated_at) and
 * the operation's SUCCEEDED record. When the guard refuses the change (INSUFFICIENT_FUNDS), `ifRefused` is recorded
 * instead and returned, or nothing is written and undefined returned. Call it holding the account's lock.
 */
export const recordOperationWithChange = async (
  tx: AccountExecutor,
  operation: Pick<AccountOperation, 'orderId' | 'customerId' | 'kind'>,
  change: BalanceChange,
  ifRefused: AccountOperation | null,
): Promise<AccountOperation | undefined> => {
  const [row] = await applyOperationStatement.run(tx, {
    orderId: operation.orderId,
    customerId: operation.customerId,
    kind: operation.kind,
    entryId: randomUUID(),
    entryKind: change.kind,
    amount: change.amount,
    delta: change.delta,
    recordRefusal: ifRefused !== null,
    refusedOutcome: ifRefused?.outcome ?? null,
    refusedReason: ifRefused?.reason ?? null,
    refusedAmount: ifRefused?.amount ?? null,
  });
  if (row?.entryId && row.balanceAfter !== null) {
    return succeededOperation(operation, operation.kind, { id: row.entryId, amount: change.amount, balanceAfter: row.balanceAfter });
  }
  return ifRefused ?? undefined;
};
