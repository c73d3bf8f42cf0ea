import { randomUUID } from 'node:crypto';
import { MessageTypes, type Envelope, type OrderMessages } from '@ordering/contracts';
import { createEnvelope } from '@ordering/messaging';
import type { MenuItem } from '../src/domain/menu.js';
import { pendingOrder, type Order } from '../src/domain/order.js';
import { priceOrder, type RequestedLine } from '../src/domain/order-pricing.js';
import type { OrderStatus } from '../src/domain/order-state.js';

const food = (id: string, name: string, price: number): MenuItem => ({ id, name, kind: 'food', price, currency: 'JPY', available: true });
const drink = (id: string, name: string, price: number): MenuItem => ({ id, name, kind: 'drink', price, currency: 'JPY', available: true });

/** The menu the seed migration installs. Ids are part of the public contract: they must never change. */
export const SEEDED_MENU = {
  shoyuRamen: food('5ef814a2-8284-440c-b8c1-913283d014db', 'Shoyu ramen', 980),
  gyoza: food('9d0c99c9-5dc1-407c-9daa-87aa64ce7400', 'Gyoza', 480),
  karaage: food('71301e0b-49c1-4a20-9db2-80cf8ff4306d', 'Karaage', 620),
  salmonOnigiri: food('a91bbaf6-83fe-493f-868d-b13352472584', 'Salmon onigiri', 220),
  katsuCurry: food('2f2022d8-d9d1-4449-93f7-e72c3a2e436f', 'Katsu curry', 1100),
  matchaLatte: drink('56eb6af8-5384-4118-9149-0b7654f48553', 'Matcha latte', 520),
  greenTea: drink('81b5e28b-b98a-4cb8-9cda-3528f343be40', 'Green tea', 180),
  ramune: drink('4c271994-1773-4810-add1-cfa5d0b583f3', 'Ramune', 250),
  lemonSour: drink('3bd8fc31-fabe-4104-b2e8-e1831e418f2a', 'Lemon sour', 450),
  draftBeer: drink('03c47345-8fb4-41d8-8f51-5008c27487ca', 'Draft beer', 600),
} as const;

export const SEEDED_MENU_ITEMS: MenuItem[] = Object.values(SEEDED_MENU);

export const aCustomerId = (): string => randomUUID();

export const aMenuItem = (overrides: Partial<MenuItem> = {}): MenuItem => ({
  id: randomUUID(),
  name: 'Tonkotsu ramen',
  kind: 'food',
  price: 1050,
  currency: 'JPY',
  available: true,
  ...overrides,
});

export const aLine = (item: MenuItem, quantity = 1): RequestedLine => ({ menuItemId: item.id, quantity });

export interface OrderSpec {
  customerId?: string;
  status?: OrderStatus;
  reason?: string | null;
  items?: RequestedLine[];
  createdAt?: Date;
}

/** An order priced from the seeded menu, as the checkout saga would create it, in any status. */
export const anOrder = (spec: OrderSpec = {}): Order => {
  const priced = priceOrder(SEEDED_MENU_ITEMS, spec.items ?? [aLine(SEEDED_MENU.shoyuRamen, 2), aLine(SEEDED_MENU.greenTea)]);
  if (!priced.ok) throw new Error(`anOrder: cannot price the requested items (${priced.failure.code})`);
  const at = spec.createdAt ?? new Date();
  const order = pendingOrder({
    id: randomUUID(),
    customerId: spec.customerId ?? aCustomerId(),
    lines: priced.value.lines,
    total: priced.value.total,
    at,
  });
  return { ...order, status: spec.status ?? 'APPROVED', reason: spec.reason ?? null };
};

const BASE_TIME = Date.parse('2026-01-15T12:00:00.000Z');

/** `count` orders of one customer, one minute apart, returned newest first (the order the API lists them in). */
export const anOrderHistory = (count: number, spec: Omit<OrderSpec, 'createdAt'> = {}): Order[] =>
  Array.from({ length: count }, (_, index) => anOrder({ ...spec, createdAt: new Date(BASE_TIME - index * 60_000) }));

/** Orders created in the same millisecond: pagination must still break the tie by id. */
export const simultaneousOrders = (count: number, spec: Omit<OrderSpec, 'createdAt'> = {}): Order[] => {
  const at = new Date(BASE_TIME);
  return Array.from({ length: count }, () => anOrder({ ...spec, createdAt: at }));
};

export const SQL_METACHARACTERS = "'; DROP TABLE orders; --";

/** A saga command as the orchestrator sends it: from 'orchestrator' to 'order', in the saga's conversation. */
export const anOrderCommand = <P>(type: string, payload: P, sagaId: string = randomUUID()): Envelope<P> =>
  createEnvelope({ type, source: 'orchestrator', destination: 'order', correlationId: sagaId, payload });

export const aCreatePendingOrder = (
  overrides: Partial<OrderMessages.CreatePendingOrder> = {},
): Envelope<OrderMessages.CreatePendingOrder> =>
  anOrderCommand(MessageTypes.CreatePendingOrder, {
    orderId: randomUUID(),
    customerId: aCustomerId(),
    items: [aLine(SEEDED_MENU.shoyuRamen, 2), aLine(SEEDED_MENU.greenTea)],
    ...overrides,
  });

/** What aCreatePendingOrder's default items cost: 2 x 980 + 180. */
export const DEFAULT_ORDER_TOTAL = 2_140;

export const anApproveOrder = (orderId: string): Envelope<OrderMessages.ApproveOrder> =>
  anOrderCommand(MessageTypes.ApproveOrder, { orderId });

export const aRejectOrder = (orderId: string, reason = 'INSUFFICIENT_FUNDS'): Envelope<OrderMessages.RejectOrder> =>
  anOrderCommand(MessageTypes.RejectOrder, { orderId, reason });

export const aBeginCancel = (orderId: string, customerId: string): Envelope<OrderMessages.BeginCancel> =>
  anOrderCommand(MessageTypes.BeginCancel, { orderId, customerId });

export const aConfirmCancel = (orderId: string): Envelope<OrderMessages.ConfirmCancel> =>
  anOrderCommand(MessageTypes.ConfirmCancel, { orderId });

export const anUndoCancel = (orderId: string): Envelope<OrderMessages.UndoCancel> => anOrderCommand(MessageTypes.UndoCancel, { orderId });

/** The same command sent again, as the sweeper retries a timed-out step: same saga and payload, a new message id. */
export const aRetryOf = <P>(command: Envelope<P>): Envelope<P> => ({ ...command, id: randomUUID(), occurredAt: new Date().toISOString() });
