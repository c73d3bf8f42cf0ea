import { CURRENCY, type Currency } from './menu.js';
import type { PricedLine } from './order-pricing.js';
import type { OrderStatus } from './order-state.js';

/** A line keeps the name and price charged at order time; later menu changes do not rewrite history. */
export type OrderLine = PricedLine;

export interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  /** Why the order was rejected (a saga reason such as INSUFFICIENT_FUNDS); null otherwise. */
  reason: string | null;
  lines: OrderLine[];
  total: number;
  currency: Currency;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewPendingOrder {
  id: string;
  customerId: string;
  lines: OrderLine[];
  total: number;
  at: Date;
}

/** Every order starts PENDING; the checkout saga then approves or rejects it. */
export const pendingOrder = (input: NewPendingOrder): Order => ({
  id: input.id,
  customerId: input.customerId,
  status: 'PENDING',
  reason: null,
  lines: input.lines,
  total: input.total,
  currency: CURRENCY,
  createdAt: input.at,
  updatedAt: input.at,
});

/** Who is looking: structurally the same as a verified token's principal. */
export interface Viewer {
  customerId: string;
  role: 'customer' | 'admin';
}

/** Admins see every order; a customer sees only their own (callers answer 404 otherwise, never 403). */
export const isVisibleTo = (order: Pick<Order, 'customerId'>, viewer: Viewer): boolean =>
  viewer.role === 'admin' || order.customerId === viewer.customerId;
