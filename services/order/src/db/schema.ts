import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { MENU_KINDS } from '../domain/menu.js';
import { ORDER_STATUSES } from '../domain/order-state.js';
import { TOMBSTONE_CAUSES } from '../domain/order-steps.js';

const quoted = (values: readonly string[]) => sql.raw(values.map((value) => `'${value}'`).join(', '));

/** Seeded by a data migration with fixed ids; items are withdrawn (available = false), never deleted. */
export const menuItems = pgTable(
  'menu_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    kind: text('kind', { enum: MENU_KINDS }).notNull(),
    price: bigint('price', { mode: 'number' }).notNull(),
    currency: text('currency').notNull().default('JPY'),
    available: boolean('available').notNull().default(true),
  },
  (table) => [
    check('menu_items_kind_check', sql`${table.kind} in (${quoted(MENU_KINDS)})`),
    check('menu_items_price_check', sql`${table.price} > 0`),
    check('menu_items_currency_check', sql`${table.currency} = 'JPY'`),
  ],
);

export const orders = pgTable(
  'orders',
  {
    // Chosen by the orchestrator when the checkout saga starts, so a retried create is recognisable.
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id').notNull(),
    status: text('status', { enum: ORDER_STATUSES }).notNull(),
    reason: text('reason'),
    total: bigint('total', { mode: 'number' }).notNull(),
    currency: text('currency').notNull().default('JPY'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    // Keyset pagination, newest first with id as tie-breaker. NULLS FIRST is what a plain ORDER BY ... DESC means,
    // so the planner can walk these indexes for the list queries (drizzle-kit would otherwise emit NULLS LAST).
    index('orders_customer_created_idx').on(table.customerId, table.createdAt.desc().nullsFirst(), table.id.desc().nullsFirst()),
    index('orders_created_idx').on(table.createdAt.desc().nullsFirst(), table.id.desc().nullsFirst()),
    index('orders_status_idx').on(table.status),
    check('orders_status_check', sql`${table.status} in (${quoted(ORDER_STATUSES)})`),
    check('orders_total_check', sql`${table.total} > 0`),
    check('orders_currency_check', sql`${table.currency} = 'JPY'`),
  ],
);

export const orderItems = pgTable(
  'order_items',
  {
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    menuItemId: uuid('menu_item_id')
      .notNull()
      .references(() => menuItems.id),
    // Copied from the menu at order time: the order keeps what was charged even if the menu changes.
    name: text('name').notNull(),
    quantity: integer('quantity').notNull(),
    unitPrice: bigint('unit_price', { mode: 'number' }).notNull(),
    subtotal: bigint('subtotal', { mode: 'number' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.orderId, table.lineNo] }),
    check('order_items_quantity_check', sql`${table.quantity} > 0`),
    check('order_items_unit_price_check', sql`${table.unitPrice} > 0`),
    check('order_items_subtotal_check', sql`${table.subtotal} = ${table.unitPrice} * ${table.quantity}`),
  ],
);

/**
 * Order ids the saga used but that have no order, and never will: a creation refused (e.g. UNKNOWN_MENU_ITEM, so
 * GET /api/orders/{id} stays 404) or a RejectOrder that arrived before its CreatePendingOrder. A later
 * CreatePendingOrder for the id replies FAILED with the recorded reason and creates nothing.
 */
export const orderTombstones = pgTable(
  'order_tombstones',
  {
    orderId: uuid('order_id').primaryKey(),
    cause: text('cause', { enum: TOMBSTONE_CAUSES }).notNull(),
    reason: text('reason').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [check('order_tombstones_cause_check', sql`${table.cause} in (${quoted(TOMBSTONE_CAUSES)})`)],
);
