import { Uuid } from '@ordering/contracts';
import { PageQuery } from '@ordering/platform';
import { Type, type Static } from 'typebox';
import type { Order } from '../domain/order.js';
import { ORDER_STATUSES } from '../domain/order-state.js';

const Yen = Type.Integer({ minimum: 0, description: 'Integer yen' });
const Timestamp = Type.String({ format: 'date-time' });

export const OrderStatusSchema = Type.Enum(ORDER_STATUSES);

export const OrderSchema = Type.Object({
  id: Uuid,
  customerId: Uuid,
  items: Type.Array(
    Type.Object({
      menuItemId: Uuid,
      name: Type.String(),
      quantity: Type.Integer({ minimum: 1 }),
      unitPrice: Yen,
      subtotal: Yen,
    }),
  ),
  total: Yen,
  currency: Type.Literal('JPY'),
  status: OrderStatusSchema,
  reason: Type.Optional(Type.String({ description: 'Present when the order was rejected, e.g. INSUFFICIENT_FUNDS' })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type OrderView = Static<typeof OrderSchema>;

export const ListOrdersQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(OrderStatusSchema),
});

export const OrderParams = Type.Object({ id: Uuid });

export const presentOrder = (order: Order): OrderView => ({
  id: order.id,
  customerId: order.customerId,
  items: order.lines.map((line) => ({
    menuItemId: line.menuItemId,
    name: line.name,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    subtotal: line.subtotal,
  })),
  total: order.total,
  currency: order.currency,
  status: order.status,
  ...(order.reason === null ? {} : { reason: order.reason }),
  createdAt: order.createdAt.toISOString(),
  updatedAt: order.updatedAt.toISOString(),
});
