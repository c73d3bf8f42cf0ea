import type { OrderMessages } from '@ordering/contracts';
import { findMenuItemsWith, type OrderExecutor } from '../db/order-repository.js';
import { findOrderHead, findTombstone, insertPendingOrder, insertTombstone, lockOrderId } from '../db/order-step-repository.js';
import { CURRENCY, type Currency } from '../domain/menu.js';
import { pendingOrder } from '../domain/order.js';
import { priceOrder } from '../domain/order-pricing.js';
import { refused, repeatedCreation, succeeded, type StepOutcome } from '../domain/order-steps.js';

export type CreationOutcome = StepOutcome<{ total: number; currency: Currency }>;

const withCurrency = (outcome: StepOutcome<{ total: number }>): CreationOutcome =>
  outcome.ok ? succeeded({ total: outcome.value.total, currency: CURRENCY }) : outcome;

/**
 * Checkout's first step: prices the items at today's menu prices and stores the order PENDING. The order id is
 * the saga's, so a repeated command (a retry carries a new message id) finds its earlier answer: the same total,
 * or the same failure. A refused creation stores no order at all (the order API answers 404), only a tombstone
 * that remembers the reason.
 */
export const createPendingOrder = async (tx: OrderExecutor, command: OrderMessages.CreatePendingOrder, now = new Date()): Promise<CreationOutcome> => {
  const { orderId, customerId, items } = command;
  // Copies of this command and a RejectOrder for the same id queue here, so they see each other's result.
  await lockOrderId(tx, orderId);
  const earlier = repeatedCreation(await findOrderHead(tx, orderId), await findTombstone(tx, orderId), customerId);
  if (earlier) return withCurrency(earlier);

  const priced = priceOrder(await findMenuItemsWith(tx, items.map((item) => item.menuItemId)), items);
  if (!priced.ok) {
    await insertTombstone(tx, { orderId, cause: 'CREATION_FAILED', reason: priced.code });
    return refused(priced.code);
  }
  const order = pendingOrder({ id: orderId, customerId, lines: priced.lines, total: priced.total, at: now });
  if (await insertPendingOrder(tx, order)) return succeeded({ total: order.total, currency: CURRENCY });
  // The primary key already held the id: answer like any repeat. (The lock makes this unreachable; the key is
  // what makes a second order impossible.)
  const existing = repeatedCreation(await findOrderHead(tx, orderId), undefined, customerId);
  if (!existing) throw new Error(`order ${orderId} conflicted on insert but cannot be read`);
  return withCurrency(existing);
};
