import { isUuid, type CursorPosition, type SqlExecutor } from '@ordering/platform';
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { CURRENCY, type MenuItem } from '../domain/menu.js';
import type { Order, OrderLine } from '../domain/order.js';
import type { OrderStatus } from '../domain/order-state.js';
import type { OrderDatabase } from './order-database.js';
import { menuItems, orderItems, orders } from './schema.js';
import type * as schema from './schema.js';

/** The database or a transaction on it: writes that must commit with other effects take the caller's `tx`. */
export type OrderExecutor = SqlExecutor<typeof schema>;

/** An order's head row, as both the saga step and the seeding path insert it. */
export const orderRowOf = (order: Order): typeof orders.$inferInsert => ({
  id: order.id,
  customerId: order.customerId,
  status: order.status,
  reason: order.reason,
  total: order.total,
  currency: order.currency,
  createdAt: order.createdAt,
  updatedAt: order.updatedAt,
});

export interface ListOrdersQuery {
  /** null lists every customer's orders (admins). */
  customerId: string | null;
  status?: OrderStatus;
  /** Start strictly after this position (newest first). */
  cursor?: CursorPosition;
  limit: number;
}

export interface OrderRepository {
  insertOrder(tx: OrderExecutor, order: Order): Promise<void>;
  findOrder(id: string): Promise<Order | undefined>;
  listOrders(query: ListOrdersQuery): Promise<Order[]>;
  findMenuItems(ids: readonly string[]): Promise<MenuItem[]>;
  listMenu(): Promise<MenuItem[]>;
}

type OrderRow = typeof orders.$inferSelect;
type OrderItemRow = typeof orderItems.$inferSelect;
type MenuItemRow = typeof menuItems.$inferSelect;

const toMenuItem = (row: MenuItemRow): MenuItem => ({ ...row, currency: CURRENCY });

const toLine = (row: OrderItemRow): OrderLine => ({
  menuItemId: row.menuItemId,
  name: row.name,
  quantity: row.quantity,
  unitPrice: row.unitPrice,
  subtotal: row.subtotal,
});

const toOrder = (row: OrderRow, lines: OrderLine[]): Order => ({
  id: row.id,
  customerId: row.customerId,
  status: row.status,
  reason: row.reason,
  lines,
  total: row.total,
  currency: CURRENCY,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** The menu items with these ids, read through the caller's executor (a saga step reads them in its transaction). */
export const findMenuItemsWith = async (executor: Pick<OrderExecutor, 'select'>, ids: readonly string[]): Promise<MenuItem[]> => {
  const wanted = [...new Set(ids.filter((id) => isUuid(id)).map((id) => id.toLowerCase()))];
  if (wanted.length === 0) return [];
  const rows = await executor.select().from(menuItems).where(inArray(menuItems.id, wanted));
  return rows.map(toMenuItem);
};

export const createOrderRepository = ({ db }: Pick<OrderDatabase, 'db'>): OrderRepository => {
  /** One query for the lines of any number of orders, so a page never costs N+1 round trips. */
  const linesByOrder = async (orderIds: string[]): Promise<Map<string, OrderLine[]>> => {
    const grouped = new Map<string, OrderLine[]>(orderIds.map((id) => [id, []]));
    if (orderIds.length === 0) return grouped;
    const rows = await db
      .select()
      .from(orderItems)
      .where(inArray(orderItems.orderId, orderIds))
      .orderBy(asc(orderItems.orderId), asc(orderItems.lineNo));
    for (const row of rows) grouped.get(row.orderId)?.push(toLine(row));
    return grouped;
  };

  const withLines = async (rows: OrderRow[]): Promise<Order[]> => {
    const lines = await linesByOrder(rows.map((row) => row.id));
    return rows.map((row) => toOrder(row, lines.get(row.id) ?? []));
  };

  return {
    async insertOrder(tx, order) {
      await tx.insert(orders).values(orderRowOf(order));
      await tx.insert(orderItems).values(order.lines.map((line, index) => ({ orderId: order.id, lineNo: index + 1, ...line })));
    },

    async findOrder(id) {
      // Ids reach us from messages and URLs; a malformed one matches nothing instead of failing the uuid cast.
      if (!isUuid(id)) return undefined;
      const rows = await db.select().from(orders).where(eq(orders.id, id));
      const [order] = await withLines(rows);
      return order;
    },

    async listOrders({ customerId, status, cursor, limit }) {
      const conditions: SQL[] = [];
      if (customerId !== null) conditions.push(eq(orders.customerId, customerId));
      if (status !== undefined) conditions.push(eq(orders.status, status));
      if (cursor !== undefined) {
        // A row comparison matches the (created_at DESC, id DESC) index order exactly, ties included.
        conditions.push(sql`(${orders.createdAt}, ${orders.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`);
      }
      const rows = await db
        .select()
        .from(orders)
        .where(and(...conditions))
        .orderBy(desc(orders.createdAt), desc(orders.id))
        .limit(limit);
      return withLines(rows);
    },

    findMenuItems: (ids) => findMenuItemsWith(db, ids),

    async listMenu() {
      const rows = await db.select().from(menuItems).where(eq(menuItems.available, true)).orderBy(asc(menuItems.kind), asc(menuItems.name));
      return rows.map(toMenuItem);
    },
  };
};
