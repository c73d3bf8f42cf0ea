import type { OrderMessages } from '@ordering/contracts';
import type { OrderExecutor } from '../db/order-repository.js';
import { insertPendingOrderUnlessSeen, insertTombstoneUnlessSeen, lockOrderIdReadingMenu } from '../db/order-step-repository.js';
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
 *
 * Two statements: the id lock (with the menu), then the write, which stores the order (or the tombstone) only if the
 * id has neither yet and returns what it has otherwise. The lock makes copies of this command and a RejectOrder for
 * the same id queue, so the second statement sees what they committed.
 */
export const createPendingOrder = async (
  tx: OrderExecutor,
  command: OrderMessages.CreatePendingOrder,
  now = new Date(),
): Promise<CreationOutcome> => {
  const { orderId, customerId, items } = command;
  const menu = await lockOrderIdReadingMenu(
    tx,
    orderId,
    items.map((item) => item.menuItemId),
  );
  const priced = priceOrder(menu, items);
  // A repeat is answered as the first time (the statement then wrote nothing).
  if (!priced.ok) {
    const seen = await insertTombstoneUnlessSeen(tx, { orderId, cause: 'CREATION_FAILED', reason: priced.failure.code });
    return withCurrency(repeatedCreation(seen.order, seen.tombstone, customerId) ?? refused(priced.failure.code));
  }
  const order = pendingOrder({ id: orderId, customerId, lines: priced.value.lines, total: priced.value.total, at: now });
  const seen = await insertPendingOrderUnlessSeen(tx, order);
  const earlier = repeatedCreation(seen.order, seen.tombstone, customerId);
  if (earlier) return withCurrency(earlier);
  // Neither seen nor created: the primary key held an order the statement could not see. The id lock makes this
  // unreachable; the key is what makes a second order impossible, and answering without knowing its total is not.
  if (!seen.created) throw new Error(`order ${orderId} conflicted on insert but cannot be read`);
  return succeeded({ total: order.total, currency: CURRENCY });
};
