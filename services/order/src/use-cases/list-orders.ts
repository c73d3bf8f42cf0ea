import { decodeCursor, type PageQuery } from '@ordering/platform';
import type { Order, Viewer } from '../domain/order.js';
import type { OrderStatus } from '../domain/order-state.js';
import type { OrderRepository } from '../db/order-repository.js';

export interface ListOrdersRequest extends PageQuery {
  status?: OrderStatus;
}

/**
 * A customer lists their own orders, an admin lists everyone's. Returns one row more than the page so the
 * caller can tell whether another page follows.
 */
export const listOrders = async (orders: OrderRepository, viewer: Viewer, request: ListOrdersRequest): Promise<Order[]> => {
  const cursor = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
  return orders.listOrders({
    customerId: viewer.role === 'admin' ? null : viewer.customerId,
    status: request.status,
    cursor,
    limit: request.limit + 1,
  });
};
