import { eq, sql } from 'drizzle-orm';
import type { Order } from '../domain/order.js';
import type { OrderStatus } from '../domain/order-state.js';
import type { OrderHead, Tombstone } from '../domain/order-steps.js';
import { orderRowOf, type OrderExecutor } from './order-repository.js';
import { orderItems, orders, orderTombstones } from './schema.js';

/**
 * What the saga steps read and write, always inside the message handler's transaction so the effect, the inbox
 * record and the reply commit together.
 */

/** First key of the two-key advisory locks on order ids (keeps them apart from every other advisory lock). */
const ORDER_ID_LOCK_SPACE = 0x6f72;

const head = { id: orders.id, customerId: orders.customerId, status: orders.status, total: orders.total };

/**
 * Serialises everything that decides whether an order id gets an order or a tombstone (CreatePendingOrder, and a
 * RejectOrder that may find no order yet); there is no row to lock before the order exists. Released at commit.
 */
export const lockOrderId = async (tx: OrderExecutor, orderId: string): Promise<void> => {
  await tx.execute(sql`select pg_advisory_xact_lock(${ORDER_ID_LOCK_SPACE}, hashtext(${orderId}::uuid::text))`);
};

/** Reads the order and holds its row lock until commit, so concurrent steps on one order run one after another. */
export const lockOrder = async (tx: OrderExecutor, orderId: string): Promise<OrderHead | undefined> => {
  const rows = await tx.select(head).from(orders).where(eq(orders.id, orderId)).for('update');
  return rows[0];
};

export const findOrderHead = async (tx: OrderExecutor, orderId: string): Promise<OrderHead | undefined> => {
  const rows = await tx.select(head).from(orders).where(eq(orders.id, orderId));
  return rows[0];
};

/** Inserts the order with its lines unless its id is taken; false means another copy of the command created it. */
export const insertPendingOrder = async (tx: OrderExecutor, order: Order): Promise<boolean> => {
  const inserted = await tx
    .insert(orders)
    .values(orderRowOf(order))
    .onConflictDoNothing({ target: orders.id })
    .returning({ id: orders.id });
  if (inserted.length === 0) return false;
  await tx.insert(orderItems).values(order.lines.map((line, index) => ({ orderId: order.id, lineNo: index + 1, ...line })));
  return true;
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

export const findTombstone = async (tx: OrderExecutor, orderId: string): Promise<Tombstone | undefined> => {
  const rows = await tx
    .select({ orderId: orderTombstones.orderId, cause: orderTombstones.cause, reason: orderTombstones.reason })
    .from(orderTombstones)
    .where(eq(orderTombstones.orderId, orderId));
  return rows[0];
};

/** The first tombstone of an order id wins; a later one (a repeated RejectOrder) changes nothing. */
export const insertTombstone = async (tx: OrderExecutor, tombstone: Tombstone): Promise<void> => {
  await tx.insert(orderTombstones).values(tombstone).onConflictDoNothing({ target: orderTombstones.orderId });
};
