import { notFound } from '@ordering/platform';
import { isVisibleTo, type Order, type Viewer } from '../domain/order.js';
import type { OrderRepository } from '../db/order-repository.js';

/** Someone else's order is reported exactly like a missing one, so order ids reveal nothing. */
export const viewOrder = async (orders: OrderRepository, viewer: Viewer, orderId: string): Promise<Order> => {
  const order = await orders.findOrder(orderId);
  if (!order || !isVisibleTo(order, viewer)) throw notFound(`Order ${orderId} does not exist`);
  return order;
};
