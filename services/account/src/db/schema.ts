import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { CURRENCY, ENTRY_KINDS } from '../domain/account.js';
import { OPERATION_KINDS, OPERATION_OUTCOMES } from '../domain/account-operations.js';

const quoted = (values: readonly string[]) => sql.raw(values.map((value) => `'${value}'`).join(', '));

export const accounts = pgTable(
  'accounts',
  {
    customerId: uuid('customer_id').primaryKey(),
    balance: bigint('balance', { mode: 'number' }).notNull().default(0),
    currency: text('currency', { enum: [CURRENCY] })
      .notNull()
      .default(CURRENCY),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    // The last line of defence: no code path, however buggy, can store a negative balance.
    check('accounts_balance_non_negative', sql`${table.balance} >= 0`),
    check('accounts_currency_jpy', sql`${table.currency} = 'JPY'`),
  ],
);

export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => accounts.customerId),
    kind: text('kind', { enum: ENTRY_KINDS }).notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    balanceAfter: bigint('balance_after', { mode: 'number' }).notNull(),
    orderId: uuid('order_id'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    check('ledger_entries_kind_known', sql`${table.kind} in ('DEPOSIT', 'DEBIT', 'REFUND')`),
    check('ledger_entries_amount_positive', sql`${table.amount} > 0`),
    check('ledger_entries_balance_after_non_negative', sql`${table.balanceAfter} >= 0`),
    // Serves the newest-first, keyset-paginated ledger of one customer; NULLS FIRST matches a plain ORDER BY ... DESC.
    index('ledger_entries_customer_recent_idx').on(table.customerId, table.createdAt.desc().nullsFirst(), table.id.desc().nullsFirst()),
    // The second guard behind account_operations: an order is debited at most once and refunded at most once.
    uniqueIndex('ledger_entries_order_kind_key')
      .on(table.orderId, table.kind)
      .where(sql`${table.orderId} is not null`),
  ],
);

/**
 * The outcome of every saga operation by business key (order, kind): a repeated command is answered from here,
 * and a REFUND TOMBSTONE (a refund that found no debit) makes a late debit for the order fail.
 */
export const accountOperations = pgTable(
  'account_operations',
  {
    orderId: uuid('order_id').notNull(),
    kind: text('kind', { enum: OPERATION_KINDS }).notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => accounts.customerId),
    outcome: text('outcome', { enum: OPERATION_OUTCOMES }).notNull(),
    reason: text('reason'),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    ledgerEntryId: uuid('ledger_entry_id').references(() => ledgerEntries.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.orderId, table.kind] }),
    check('account_operations_kind_known', sql`${table.kind} in (${quoted(OPERATION_KINDS)})`),
    check('account_operations_outcome_known', sql`${table.outcome} in (${quoted(OPERATION_OUTCOMES)})`),
    check('account_operations_amount_non_negative', sql`${table.amount} >= 0`),
    // Money moved if and only if the operation succeeded, and only a failure has a reason.
    check('account_operations_entry_iff_succeeded', sql`(${table.outcome} = 'SUCCEEDED') = (${table.ledgerEntryId} is not null)`),
    check('account_operations_reason_iff_failed', sql`(${table.outcome} = 'FAILED') = (${table.reason} is not null)`),
    check(
      'account_operations_tombstone_is_a_refund',
      sql`${table.outcome} <> 'TOMBSTONE' or (${table.kind} = 'REFUND' and ${table.amount} = 0)`,
    ),
  ],
);
