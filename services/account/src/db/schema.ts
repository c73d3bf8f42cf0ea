import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { CURRENCY, ENTRY_KINDS } from '../domain/account.js';

// Deposits honour Idempotency-Key; the keys live next to the money they protect.
export { idempotencyKeys } from '@ordering/platform';

export const accounts = pgTable(
  'accounts',
  {
    customerId: uuid('customer_id').primaryKey(),
    balance: bigint('balance', { mode: 'number' }).notNull().default(0),
    currency: text('currency', { enum: [CURRENCY] }).notNull().default(CURRENCY),
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
  ],
);
