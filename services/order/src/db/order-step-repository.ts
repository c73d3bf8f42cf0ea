import { isUuid } from '@ordering/platform';
import { prepareStatement } from '@ordering/saga';
import { eq, sql } from 'drizzle-orm';
import type { MenuItem } from '../domain/menu.js';
import type { Order } from '../domain/order.js';
import type { OrderStatus } from '../domain/order-state.js';
import type { OrderHead, Tombstone } from '../domain/order-steps.js';
import type { OrderExecutor } from './order-repository.js';
import { orders, orderTombstones } from './schema.js';

/**
 * What the saga steps read and write, always inside the message handler's transaction so the effect, the inbox
 * record and the reply commit together.
 */

/** First key of the two-key advisory locks on order ids (keeps them apart from every other advisory lock). */
const ORDER_ID_LOCK_SPACE = 0x6f72;

const head = { id: orders.id, customerId: orders.customerId, status: orders.status, total: orders.total };

const lockOrderIdStatement = prepareStatement<{ orderId: string }, unknown>(
  'order_lock_id',
  sql`select pg_advisory_xact_lock(${sql.raw(String(ORDER_ID_LOCK_SPACE))}, hashtext(${sql.placeholder('orderId')}::uuid::text))`,
);

/**
 * Serialises everything that decides whether an order id gets an order or a tombstone (CreatePendingOrder, and a
 * RejectOrder that may find no order yet); there is no row to lock before the order exists. Released at commit.
 */
export const lockOrderId = async (tx: OrderExecutor, orderId: string): Promise<void> => {
  await lockOrderIdStatement.run(tx, { orderId });
};

const lockOrderIdReadingMenuStatement = prepareStatement<{ orderId: string; menuItemIds: string[] }, { menu: MenuItem[] | null }>(
  'order_lock_id_reading_menu',
  sql`select pg_advisory_xact_lock(${sql.raw(String(ORDER_ID_LOCK_SPACE))}, hashtext(${sql.placeholder('orderId')}::uuid::text)) as locked,
             (select json_agg(json_build_object('id', item.id, 'name', item.name, 'kind', item.kind, 'price', item.price, 'currency', item.currency,
                                                'available', item.available))
                from menu_items item
               where item.id = any(${sql.placeholder('menuItemIds')}::uuid[])) as menu`,
);

/**
 * lockOrderId, and the menu items with these ids, in one round trip. The menu is read from the statement's snapshot,
 * taken before the lock was granted: right for prices (the lock does not guard the menu), wrong for anything the
 * lock guards, which must be read by a later statement.
 */
export const lockOrderIdReadingMenu = async (tx: OrderExecutor, orderId: string, menuItemIds: readonly string[]): Promise<MenuItem[]> => {
  // Ids come from messages; a malformed one matches nothing instead of failing the uuid cast.
  const wanted = [...new Set(menuItemIds.filter((id) => isUuid(id)).map((id) => id.toLowerCase()))];
  const [row] = await lockOrderIdReadingMenuStatement.run(tx, { orderId, menuItemIds: wanted });
  return row?.menu ?? [];
};

/** Reads the order and holds its row lock until commit, so concurrent steps on one order run one after another. */
export const lockOrder = async (tx: OrderExecutor, orderId: string): Promise<OrderHead | undefined> => {
  const rows = await tx.select(head).from(orders).where(eq(orders.id, orderId)).for('update');
  return rows[0];
};

/** What an order id already has: its order, or its tombstone, or neither. */
export interface EarlierCreation {
  order: OrderHead | undefined;
  tombstone: Pick<Tombstone, 'reason'> | undefined;
}

type EarlierRow = { order: OrderHead | null; tombstoneReason: string | null };

const earlierOf = (row: EarlierRow | undefined): EarlierCreation => {
  const reason = row?.tombstoneReason ?? undefined;
  return { order: row?.order ?? undefined, tombstone: reason === undefined ? undefined : { reason } };
};

/** The common part of both creation statements: what the id already has, read after the id lock was granted. */
const earlierCreation = sql`earlier_order as (
    select id, customer_id as "customerId", status, total from orders where id = ${sql.placeholder('orderId')}::uuid
  ), tombstone as (
    select reason from order_tombstones where order_id = ${sql.placeholder('orderId')}::uuid
  ), unseen as (
    select 1 where not exists (select 1 from earlier_order) and not exists (select 1 from tombstone)
  )`;

const earlierColumns = sql`(select row_to_json(earlier_order) from earlier_order) as "order", (select reason from tombstone) as "tombstoneReason"`;

const createPendingOrderStatement = prepareStatement<
  {
    orderId: string;
    customerId: string;
    status: string;
    total: number;
    currency: string;
    at: Date;
    lineNumbers: number[];
    menuItemIds: string[];
    names: string[];
    quantities: number[];
    unitPrices: number[];
    subtotals: number[];
  },
  EarlierRow & { created: boolean }
>(
  'order_create_pending',
  sql`with ${earlierCreation}, created as (
    insert into orders (id, customer_id, status, reason, total, currency, created_at, updated_at)
    select ${sql.placeholder('orderId')}::uuid, ${sql.placeholder('customerId')}::uuid, ${sql.placeholder('status')}, null, ${sql.placeholder('total')}::bigint,
           ${sql.placeholder('currency')}, ${sql.placeholder('at')}::timestamptz, ${sql.placeholder('at')}::timestamptz
      from unseen
    on conflict (id) do nothing
    returning id
  ), lines as (
    insert into order_items (order_id, line_no, menu_item_id, name, quantity, unit_price, subtotal)
    select created.id, line.line_no, line.menu_item_id, line.name, line.quantity, line.unit_price, line.subtotal
      from created, unnest(${sql.placeholder('lineNumbers')}::int[], ${sql.placeholder('menuItemIds')}::uuid[], ${sql.placeholder('names')}::text[],
                           ${sql.placeholder('quantities')}::int[], ${sql.placeholder('unitPrices')}::bigint[], ${sql.placeholder('subtotals')}::bigint[])
           as line(line_no, menu_item_id, name, quantity, unit_price, subtotal)
  )
  select ${earlierColumns}, exists (select 1 from created) as created`,
);

/**
 * Stores the order with its lines, unless its id already has an order or a tombstone: then nothing is written and
 * what the id has is returned, for the caller to answer from (the first answer stands). Call it holding the id lock.
 */
export const insertPendingOrderUnlessSeen = async (tx: OrderExecutor, order: Order): Promise<EarlierCreation & { created: boolean }> => {
  const [row] = await createPendingOrderStatement.run(tx, {
    orderId: order.id,
    customerId: order.customerId,
    status: order.status,
    total: order.total,
    currency: order.currency,
    at: order.createdAt,
    lineNumbers: order.lines.map((_, index) => index + 1),
    menuItemIds: order.lines.map((line) => line.menuItemId),
    names: order.lines.map((line) => line.name),
    quantities: order.lines.map((line) => line.quantity),
    unitPrices: order.lines.map((line) => line.unitPrice),
    subtotals: order.lines.map((line) => line.subtotal),
  });
  return { ...earlierOf(row), created: row?.created === true };
};

const tombstoneUnlessSeenStatement = prepareStatement<{ orderId: string; cause: string; reason: string }, EarlierRow>(
  'order_tombstone_unless_seen',
  sql`with ${earlierCreation}, buried as (
    insert into order_tombstones (order_id, cause, reason)
    select ${sql.placeholder('orderId')}::uuid, ${sql.placeholder('cause')}, ${sql.placeholder('reason')} from unseen
    on conflict (order_id) do nothing
  )
  select ${earlierColumns}`,
);

/** Leaves a tombstone unless the id already has an order or a tombstone, which is returned instead (as above). */
export const insertTombstoneUnlessSeen = async (tx: OrderExecutor, tombstone: Tombstone): Promise<EarlierCreation> => {
  const [row] = await tombstoneUnlessSeenStatement.run(tx, tombstone);
  return earlierOf(row);
};

const moveOrderStatement = prepareStatement<
  { orderId: string; from: OrderStatus; to: OrderStatus; reason: string | null; keepReason: boolean; ownerId: string | null },
  OrderHead
>(
  'order_move',
  sql`update orders
         set status = ${sql.placeholder('to')},
             reason = case when ${sql.placeholder('keepReason')}::boolean then reason else ${sql.placeholder('reason')} end,
             -- Never before created_at, even if the database clock lags the one that stamped the order.
             updated_at = greatest(clock_timestamp(), updated_at)
       where id = ${sql.placeholder('orderId')}::uuid
         and status = ${sql.placeholder('from')}
         and (${sql.placeholder('ownerId')}::uuid is null or customer_id = ${sql.placeholder('ownerId')}::uuid)
      returning id, customer_id as "customerId", status, total`,
);

/**
 * Moves the order from `from` to `to` in one statement, if it is in `from` (and belongs to `ownerId`, when given):
 * the transition the domain allows, applied without reading first. Returns the moved order, or undefined when it
 * was not in `from` (or not the owner's, or missing): then the caller reads it and decides. Row locks make it safe:
 * a concurrent step on the order is waited for, and the condition is checked again on what it left.
 */
export const moveOrderIfIn = async (
  tx: OrderExecutor,
  orderId: string,
  move: { from: OrderStatus; to: OrderStatus; reason?: string | undefined; ownerId?: string | undefined },
): Promise<OrderHead | undefined> => {
  const [moved] = await moveOrderStatement.run(tx, {
    orderId,
    from: move.from,
    to: move.to,
    reason: move.reason ?? null,
    keepReason: move.reason === undefined,
    ownerId: move.ownerId ?? null,
  });
  return moved;
};

/** Moves a locked order to `status`; `reason` is recorded when given (a rejection's saga reason). */
export const setOrderStatus = async (tx: OrderExecutor, orderId: string, status: OrderStatus, reason?: string): Promise<void> => {
  await tx
    .update(orders)
    .set({
      status,
      ...(reason === undefined ? {} : { reason }),
      // Never before created_at, even if the database clock lags the one that stamped the order.
      updatedAt: sql`greatest(clock_timestamp(), ${orders.updatedAt})`,
    })
    .where(eq(orders.id, orderId));
};

/** The first tombstone of an order id wins; a later one (a repeated RejectOrder) changes nothing. */
export const insertTombstone = async (tx: OrderExecutor, tombstone: Tombstone): Promise<void> => {
  await tx.insert(orderTombstones).values(tombstone).onConflictDoNothing({ target: orderTombstones.orderId });
};
