import { randomUUID } from 'node:crypto';
import { MessageTypes, type Envelope } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import { useOrderParticipant } from './support/use-order-service.js';
import { aCreatePendingOrder, aLine, aMenuItem, aRejectOrder, aRetryOf, DEFAULT_ORDER_TOTAL, SEEDED_MENU } from './builders.js';

describe('order.CreatePendingOrder', () => {
  const { service, participant } = useOrderParticipant({ poolSize: 12 });

  const getOrder = async (orderId: string, customerId: string) => service.get(`/api/orders/${orderId}`, await service.tokenFor(customerId));

  it('when a new order is created, then it is PENDING with priced lines and a SUCCEEDED reply waits in the outbox for the orchestrator', async () => {
    const command = aCreatePendingOrder({ items: [aLine(SEEDED_MENU.katsuCurry, 2), aLine(SEEDED_MENU.lemonSour)] });
    const { orderId, customerId } = command.payload;

    const reply = await participant.send(command);

    expect(reply).toMatchObject({
      type: MessageTypes.CreatePendingOrderReply,
      source: 'order',
      destination: 'orchestrator',
      correlationId: command.correlationId,
      causationId: command.id,
      payload: { orderId, outcome: 'SUCCEEDED', total: 2_650, currency: 'JPY' },
    });
    expect(reply.id).not.toBe(command.id);
    const response = await getOrder(orderId, customerId);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: orderId,
      customerId,
      status: 'PENDING',
      total: 2_650,
      items: [
        { menuItemId: SEEDED_MENU.katsuCurry.id, name: 'Katsu curry', quantity: 2, unitPrice: 1_100, subtotal: 2_200 },
        { menuItemId: SEEDED_MENU.lemonSour.id, name: 'Lemon sour', quantity: 1, unitPrice: 450, subtotal: 450 },
      ],
    });
    const pending = await service.database.pool.query(
      'select destination, message_type, status from outbox_messages where message_id = $1',
      [reply.id],
    );
    expect(pending.rows).toEqual([{ destination: 'orchestrator', message_type: MessageTypes.CreatePendingOrderReply, status: 'PENDING' }]);
  });

  it('when the command names a replyTo, then the reply goes there', async () => {
    const command: Envelope = { ...aCreatePendingOrder(), replyTo: 'saga-engine' };
    expect((await participant.send(command)).destination).toBe('saga-engine');
  });

  it('when the same command is retried with a new message id, then no second order is made and the reply is the same', async () => {
    const command = aCreatePendingOrder();
    const first = await participant.send(command);
    const ordersBefore = await service.countRows('orders');

    const again = await participant.send(aRetryOf(command));

    expect(again.payload).toEqual(first.payload);
    expect(again.payload).toMatchObject({ outcome: 'SUCCEEDED', total: DEFAULT_ORDER_TOTAL });
    expect(await service.countRows('orders')).toBe(ordersBefore);
  });

  it('when the retry comes after the order moved on, then it still answers with the first outcome and changes nothing', async () => {
    const command = aCreatePendingOrder();
    const first = await participant.send(command);
    await participant.send(aRejectOrder(command.payload.orderId, 'INSUFFICIENT_FUNDS'));

    const again = await participant.send(aRetryOf(command));

    expect(again.payload).toEqual(first.payload);
    expect(await participant.orderState(command.payload.orderId)).toEqual({ status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS' });
  });

  it('when an item is not on the menu, then the reply is FAILED UNKNOWN_MENU_ITEM, no order exists (404), and a repeat says the same', async () => {
    const command = aCreatePendingOrder({ items: [aLine(SEEDED_MENU.gyoza), aLine(aMenuItem())] });
    const { orderId, customerId } = command.payload;
    const before = { orders: await service.countRows('orders'), items: await service.countRows('order_items') };

    const reply = await participant.send(command);
    const again = await participant.send(aRetryOf(command));

    expect(reply.payload).toEqual({ orderId, outcome: 'FAILED', reason: 'UNKNOWN_MENU_ITEM' });
    expect(again.payload).toEqual(reply.payload);
    expect({ orders: await service.countRows('orders'), items: await service.countRows('order_items') }).toEqual(before);
    expect((await getOrder(orderId, customerId)).statusCode).toBe(404);
    expect(await participant.tombstoneOf(orderId)).toEqual({ cause: 'CREATION_FAILED', reason: 'UNKNOWN_MENU_ITEM' });
  });

  it('when an item has been withdrawn from the menu, then it is an unknown menu item too', async () => {
    const { ramune } = SEEDED_MENU;
    await service.database.pool.query('update menu_items set available = false where id = $1', [ramune.id]);
    try {
      const reply = await participant.send(aCreatePendingOrder({ items: [aLine(ramune)] }));
      expect(reply.payload).toMatchObject({ outcome: 'FAILED', reason: 'UNKNOWN_MENU_ITEM' });
    } finally {
      await service.database.pool.query('update menu_items set available = true where id = $1', [ramune.id]);
    }
  });

  it('when RejectOrder arrives before CreatePendingOrder, then a tombstone is left and the late create replies FAILED and creates nothing', async () => {
    const command = aCreatePendingOrder();
    const { orderId, customerId } = command.payload;

    const rejected = await participant.send(aRejectOrder(orderId, 'TIMEOUT'));
    const created = await participant.send(command);

    expect(rejected.payload).toEqual({ orderId, outcome: 'SUCCEEDED' });
    expect(created.payload).toEqual({ orderId, outcome: 'FAILED', reason: 'TIMEOUT' });
    expect(await participant.orderState(orderId)).toBeUndefined();
    expect(await participant.tombstoneOf(orderId)).toEqual({ cause: 'REJECTED_BEFORE_CREATION', reason: 'TIMEOUT' });
    expect((await getOrder(orderId, customerId)).statusCode).toBe(404);
  });

  it('when the compensation is repeated too, then it still succeeds and the first reason stays', async () => {
    const orderId = randomUUID();
    await participant.send(aRejectOrder(orderId, 'TIMEOUT'));

    const again = await participant.send(aRejectOrder(orderId, 'SOMETHING_ELSE'));

    expect(again.payload).toEqual({ orderId, outcome: 'SUCCEEDED' });
    expect(await participant.tombstoneOf(orderId)).toMatchObject({ reason: 'TIMEOUT' });
  });

  it('when a failed creation is compensated, then the compensation succeeds and the order still does not exist', async () => {
    const command = aCreatePendingOrder({ items: [aLine(aMenuItem())] });
    await participant.send(command);

    const rejected = await participant.send(aRejectOrder(command.payload.orderId, 'UNKNOWN_MENU_ITEM'));

    expect(rejected.payload).toMatchObject({ outcome: 'SUCCEEDED' });
    expect(await participant.orderState(command.payload.orderId)).toBeUndefined();
  });

  it('when the order id is already another customer’s order, then the reply is FAILED ORDER_ID_CONFLICT and that order is untouched', async () => {
    const command = aCreatePendingOrder();
    await participant.send(command);

    const intruder = await participant.send(aCreatePendingOrder({ orderId: command.payload.orderId }));

    expect(intruder.payload).toMatchObject({ outcome: 'FAILED', reason: 'ORDER_ID_CONFLICT' });
    expect((await getOrder(command.payload.orderId, command.payload.customerId)).json()).toMatchObject({
      status: 'PENDING',
      total: DEFAULT_ORDER_TOTAL,
    });
  });

  it('when 10 copies of one command race, then exactly one order exists and all ten replies are the same', async () => {
    const command = aCreatePendingOrder();
    const copies = Array.from({ length: 10 }, () => aRetryOf(command));

    await Promise.all(copies.map((copy) => participant.deliver(copy)));

    const replies = (await Promise.all(copies.map((copy) => participant.repliesTo(copy)))).flat();
    expect(replies).toHaveLength(10);
    for (const reply of replies)
      expect(reply.payload).toEqual({
        orderId: command.payload.orderId,
        outcome: 'SUCCEEDED',
        total: DEFAULT_ORDER_TOTAL,
        currency: 'JPY',
      });
    const stored = await service.database.pool.query('select count(*)::int as count from orders where id = $1', [command.payload.orderId]);
    expect(stored.rows[0]).toEqual({ count: 1 });
    const lines = await service.database.pool.query('select count(*)::int as count from order_items where order_id = $1', [
      command.payload.orderId,
    ]);
    expect(lines.rows[0]).toEqual({ count: 2 });
  });

  it('when a create and its compensation race, then the order id ends with a rejected order or a tombstone, never a PENDING order', async () => {
    const commands = Array.from({ length: 20 }, () => aCreatePendingOrder());

    await Promise.all(
      commands.flatMap((command) => [participant.deliver(command), participant.deliver(aRejectOrder(command.payload.orderId, 'TIMEOUT'))]),
    );

    for (const command of commands) {
      const { orderId } = command.payload;
      const [state, tombstone, [created]] = await Promise.all([
        participant.orderState(orderId),
        participant.tombstoneOf(orderId),
        participant.repliesTo(command),
      ]);
      if (state) {
        expect(state).toEqual({ status: 'REJECTED', reason: 'TIMEOUT' });
        expect(tombstone).toBeUndefined();
        expect(created?.payload).toMatchObject({ outcome: 'SUCCEEDED' });
      } else {
        expect(tombstone).toEqual({ cause: 'REJECTED_BEFORE_CREATION', reason: 'TIMEOUT' });
        expect(created?.payload).toEqual({ orderId, outcome: 'FAILED', reason: 'TIMEOUT' });
      }
    }
  });
});
