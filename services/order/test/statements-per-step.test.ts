import type { Envelope } from '@ordering/contracts';
import { statementsPerStep } from '@ordering/testing';
import { describe, expect, it } from 'vitest';
import { useOrderParticipant } from './support/use-order-service.js';
import {
  aBeginCancel,
  aConfirmCancel,
  aCreatePendingOrder,
  aLine,
  anApproveOrder,
  anUndoCancel,
  aRejectOrder,
  aRetryOf,
  SEEDED_MENU,
} from './builders.js';

/**
 * Every statement is a round trip to PostgreSQL, and a checkout's cost is mostly round trips (issue 10). Counted here:
 * the handler's own statements and its reply's outbox row, without the transaction's BEGIN and COMMIT (the consumer
 * adds those and the inbox row).
 */
describe('statements per order step', () => {
  const { service, participant } = useOrderParticipant();

  const statementsOf = statementsPerStep(
    () => service.statementsSent(),
    (command: Envelope) => participant.deliver(command),
  );

  it('when an order is created and approved, then creating takes 3 statements (lock with menu, write, reply) and approving 2 (move, reply)', async () => {
    const create = aCreatePendingOrder({ items: [aLine(SEEDED_MENU.katsuCurry, 2), aLine(SEEDED_MENU.lemonSour)] });
    expect(await statementsOf(create)).toBe(3);
    expect(await statementsOf(anApproveOrder(create.payload.orderId))).toBe(2);
    expect(await participant.orderState(create.payload.orderId)).toEqual({ status: 'APPROVED', reason: null });
    // A repeat reads and answers: nothing is written twice.
    expect(await statementsOf(aRetryOf(create))).toBe(3);
  });

  it('when a creation is refused, then it takes 3 statements too (lock with menu, tombstone, reply)', async () => {
    const create = aCreatePendingOrder({ items: [{ menuItemId: '00000000-0000-4000-8000-000000000000', quantity: 1 }] });
    expect(await statementsOf(create)).toBe(3);
    expect(await participant.tombstoneOf(create.payload.orderId)).toEqual({ cause: 'CREATION_FAILED', reason: 'UNKNOWN_MENU_ITEM' });
  });

  it('when a pending order is rejected, then it takes 3 statements (id lock, move, reply)', async () => {
    const create = aCreatePendingOrder();
    await participant.deliver(create);
    expect(await statementsOf(aRejectOrder(create.payload.orderId))).toBe(3);
    expect(await participant.orderState(create.payload.orderId)).toEqual({ status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS' });
  });

  it('when an approved order is cancelled, or its cancellation undone, then each step takes 2 statements (move, reply)', async () => {
    const create = aCreatePendingOrder();
    const { orderId, customerId } = create.payload;
    await participant.deliver(create);
    await participant.deliver(anApproveOrder(orderId));

    expect(await statementsOf(aBeginCancel(orderId, customerId))).toBe(2);
    expect(await statementsOf(anUndoCancel(orderId))).toBe(2);
    expect(await statementsOf(aBeginCancel(orderId, customerId))).toBe(2);
    expect(await statementsOf(aConfirmCancel(orderId))).toBe(2);
    expect(await participant.orderState(orderId)).toEqual({ status: 'CANCELLED', reason: null });
  });
});
