import { randomUUID } from 'node:crypto';
import { MESSAGE_CATALOG, MessageTypes, type Envelope } from '@ordering/contracts';
import { createLogger } from '@ordering/platform';
import { describe, expect, it } from 'vitest';
import { useOrderParticipant } from './support/use-order-service.js';
import type { OrderStatus } from '../src/domain/order-state.js';
import { createOrderMessageHandlers } from '../src/messages/order-message-handlers.js';
import { aBeginCancel, aConfirmCancel, aCustomerId, anApproveOrder, anOrder, anUndoCancel, aRejectOrder, aRetryOf } from './builders.js';
import { participantOf, silentLogger } from './support/order-participant.js';

describe('order saga steps after creation', () => {
  const { service, participant } = useOrderParticipant();

  /** An order already stored in the given status, as earlier saga steps would have left it. */
  const anExistingOrder = async (status: OrderStatus, customerId = aCustomerId()) => {
    const order = anOrder({ status, customerId });
    await service.given(order);
    return order;
  };

  /** Sends the command, then a retry of it, and returns both replies' payloads. */
  const sendTwice = async (command: Envelope): Promise<[unknown, unknown]> => [
    (await participant.send(command)).payload,
    (await participant.send(aRetryOf(command))).payload,
  ];

  it('when the handlers are listed, then there is exactly one per command the order service owns', () => {
    const owned = Object.values(MESSAGE_CATALOG)
      .filter((contract) => contract.kind === 'command' && contract.owner === 'order')
      .map((contract) => contract.type);
    expect(
      createOrderMessageHandlers({ logger: silentLogger() })
        .map((handler) => handler.type)
        .sort(),
    ).toEqual(owned.sort());
  });

  describe('ApproveOrder', () => {
    it('when a PENDING order is approved, then it is APPROVED and a repeat succeeds without changing it again', async () => {
      const order = await anExistingOrder('PENDING');

      const replies = await sendTwice(anApproveOrder(order.id));

      expect(replies).toEqual([
        { orderId: order.id, outcome: 'SUCCEEDED' },
        { orderId: order.id, outcome: 'SUCCEEDED' },
      ]);
      expect(await participant.orderState(order.id)).toEqual({ status: 'APPROVED', reason: null });
    });

    it.each(['CANCEL_PENDING', 'CANCELLED'] as const)(
      'when a late approval meets a %s order, then it succeeds and the order stays where it is',
      async (status) => {
        const order = await anExistingOrder(status);
        expect((await participant.send(anApproveOrder(order.id))).payload).toMatchObject({ outcome: 'SUCCEEDED' });
        expect(await participant.orderState(order.id)).toMatchObject({ status });
      },
    );

    it('when a REJECTED order is approved, then it is FAILED ORDER_NOT_PENDING and stays REJECTED', async () => {
      const order = await anExistingOrder('REJECTED');
      expect((await participant.send(anApproveOrder(order.id))).payload).toEqual({
        orderId: order.id,
        outcome: 'FAILED',
        reason: 'ORDER_NOT_PENDING',
      });
      expect(await participant.orderState(order.id)).toMatchObject({ status: 'REJECTED' });
    });

    it('when the order does not exist, then it is FAILED NOT_FOUND and nothing is created', async () => {
      const orderId = randomUUID();
      expect((await participant.send(anApproveOrder(orderId))).payload).toEqual({ orderId, outcome: 'FAILED', reason: 'NOT_FOUND' });
      expect(await participant.orderState(orderId)).toBeUndefined();
    });

    it('when a refusal means the saga went wrong, then it is logged as a warning with the message and saga ids', async () => {
      const lines: string[] = [];
      const logger = createLogger({ service: 'order', level: 'info', destination: { write: (line: string) => lines.push(line) } });
      const order = await anExistingOrder('REJECTED');
      const command = anApproveOrder(order.id);

      await participantOf(service, logger).deliver(command);

      const warnings = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['level'] === 'warn');
      expect(warnings).toEqual([
        expect.objectContaining({
          messageId: command.id,
          correlationId: command.correlationId,
          orderId: order.id,
          reason: 'ORDER_NOT_PENDING',
        }),
      ]);
    });
  });

  describe('RejectOrder', () => {
    it('when a PENDING order is rejected, then it is REJECTED with the saga reason, and a repeat keeps the first reason', async () => {
      const order = await anExistingOrder('PENDING');

      const first = await participant.send(aRejectOrder(order.id, 'INSUFFICIENT_FUNDS'));
      const again = await participant.send(aRejectOrder(order.id, 'TIMEOUT'));

      expect([first.payload, again.payload]).toEqual([
        { orderId: order.id, outcome: 'SUCCEEDED' },
        { orderId: order.id, outcome: 'SUCCEEDED' },
      ]);
      expect(await participant.orderState(order.id)).toEqual({ status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS' });
      expect((await service.get(`/api/orders/${order.id}`, await service.tokenFor(order.customerId))).json()).toMatchObject({
        status: 'REJECTED',
        reason: 'INSUFFICIENT_FUNDS',
      });
      expect(await participant.tombstoneOf(order.id)).toBeUndefined();
    });

    it('when an APPROVED order is rejected, then it is FAILED ORDER_ALREADY_APPROVED and stays APPROVED', async () => {
      const order = await anExistingOrder('APPROVED');
      expect((await participant.send(aRejectOrder(order.id))).payload).toEqual({
        orderId: order.id,
        outcome: 'FAILED',
        reason: 'ORDER_ALREADY_APPROVED',
      });
      expect(await participant.orderState(order.id)).toEqual({ status: 'APPROVED', reason: null });
    });
  });

  describe('BeginCancel', () => {
    it('when the owner cancels an APPROVED order, then it is CANCEL_PENDING and both the reply and its repeat carry the total', async () => {
      const order = await anExistingOrder('APPROVED');

      const replies = await sendTwice(aBeginCancel(order.id, order.customerId));

      const expected = { orderId: order.id, outcome: 'SUCCEEDED', total: order.total };
      expect(replies).toEqual([expected, expected]);
      expect(await participant.orderState(order.id)).toMatchObject({ status: 'CANCEL_PENDING' });
    });

    it('when the cancellation was already confirmed, then a late repeat still succeeds with the total', async () => {
      const order = await anExistingOrder('CANCELLED');
      expect((await participant.send(aBeginCancel(order.id, order.customerId))).payload).toEqual({
        orderId: order.id,
        outcome: 'SUCCEEDED',
        total: order.total,
      });
      expect(await participant.orderState(order.id)).toMatchObject({ status: 'CANCELLED' });
    });

    it.each(['PENDING', 'REJECTED'] as const)(
      'when the order is %s, then it is FAILED ORDER_NOT_CANCELLABLE and unchanged',
      async (status) => {
        const order = await anExistingOrder(status);
        expect((await participant.send(aBeginCancel(order.id, order.customerId))).payload).toEqual({
          orderId: order.id,
          outcome: 'FAILED',
          reason: 'ORDER_NOT_CANCELLABLE',
        });
        expect(await participant.orderState(order.id)).toMatchObject({ status });
      },
    );

    it('when another customer asks to cancel the order, then it is FAILED NOT_FOUND and the order stays APPROVED', async () => {
      const order = await anExistingOrder('APPROVED');
      expect((await participant.send(aBeginCancel(order.id, aCustomerId()))).payload).toEqual({
        orderId: order.id,
        outcome: 'FAILED',
        reason: 'NOT_FOUND',
      });
      expect(await participant.orderState(order.id)).toMatchObject({ status: 'APPROVED' });
    });

    it('when the order does not exist, then it is FAILED NOT_FOUND', async () => {
      const orderId = randomUUID();
      expect((await participant.send(aBeginCancel(orderId, aCustomerId()))).payload).toEqual({
        orderId,
        outcome: 'FAILED',
        reason: 'NOT_FOUND',
      });
    });

    it('when two cancellations of one order race, then the order moves once and both succeed with the total', async () => {
      const order = await anExistingOrder('APPROVED');
      const commands = [aBeginCancel(order.id, order.customerId), aBeginCancel(order.id, order.customerId)];

      await Promise.all(commands.map((command) => participant.deliver(command)));

      for (const command of commands)
        expect((await participant.repliesTo(command)).map((reply) => reply.payload)).toEqual([
          { orderId: order.id, outcome: 'SUCCEEDED', total: order.total },
        ]);
      expect(await participant.orderState(order.id)).toMatchObject({ status: 'CANCEL_PENDING' });
    });
  });

  describe('ConfirmCancel', () => {
    it('when a CANCEL_PENDING order is confirmed, then it is CANCELLED and a repeat succeeds', async () => {
      const order = await anExistingOrder('CANCEL_PENDING');
      const expected = { orderId: order.id, outcome: 'SUCCEEDED' };
      expect(await sendTwice(aConfirmCancel(order.id))).toEqual([expected, expected]);
      expect(await participant.orderState(order.id)).toMatchObject({ status: 'CANCELLED' });
    });

    it('when the order is APPROVED (the cancellation never began or was undone), then it is FAILED and unchanged', async () => {
      const order = await anExistingOrder('APPROVED');
      expect((await participant.send(aConfirmCancel(order.id))).payload).toEqual({
        orderId: order.id,
        outcome: 'FAILED',
        reason: 'ORDER_NOT_CANCEL_PENDING',
      });
      expect(await participant.orderState(order.id)).toMatchObject({ status: 'APPROVED' });
    });
  });

  describe('UndoCancel', () => {
    it('when a CANCEL_PENDING order is undone, then it is APPROVED again and a repeat succeeds', async () => {
      const order = await anExistingOrder('CANCEL_PENDING');
      const expected = { orderId: order.id, outcome: 'SUCCEEDED' };
      expect(await sendTwice(anUndoCancel(order.id))).toEqual([expected, expected]);
      expect(await participant.orderState(order.id)).toMatchObject({ status: 'APPROVED' });
    });

    it('when the cancellation never began, then the undo succeeds and changes nothing', async () => {
      const order = await anExistingOrder('APPROVED');
      expect((await participant.send(anUndoCancel(order.id))).payload).toEqual({ orderId: order.id, outcome: 'SUCCEEDED' });
      expect(await participant.orderState(order.id)).toMatchObject({ status: 'APPROVED' });
    });

    it('when the order is already CANCELLED, then the undo is FAILED and the order stays CANCELLED', async () => {
      const order = await anExistingOrder('CANCELLED');
      expect((await participant.send(anUndoCancel(order.id))).payload).toEqual({
        orderId: order.id,
        outcome: 'FAILED',
        reason: 'ORDER_NOT_CANCEL_PENDING',
      });
      expect(await participant.orderState(order.id)).toMatchObject({ status: 'CANCELLED' });
    });
  });

  it('when a step moves an order, then its updatedAt moves forward and createdAt stays', async () => {
    const order = await anExistingOrder('PENDING');
    await participant.send(anApproveOrder(order.id));
    const stored = await service.orders.findOrder(order.id);
    expect(stored?.createdAt).toEqual(order.createdAt);
    expect(stored?.updatedAt.getTime()).toBeGreaterThanOrEqual(order.updatedAt.getTime());
  });

  it('when a whole cancellation runs, then every reply is addressed to the orchestrator in the saga’s conversation', async () => {
    const order = await anExistingOrder('APPROVED');
    const sagaId = randomUUID();
    const commands = [aBeginCancel(order.id, order.customerId), aConfirmCancel(order.id)].map((command) => ({
      ...command,
      correlationId: sagaId,
    }));

    for (const command of commands) {
      const reply = await participant.send(command);
      expect(reply).toMatchObject({ source: 'order', destination: 'orchestrator', correlationId: sagaId, causationId: command.id });
    }
    expect((await participant.repliesTo(commands[1]!))[0]?.type).toBe(MessageTypes.ConfirmCancelReply);
    expect(await participant.orderState(order.id)).toMatchObject({ status: 'CANCELLED' });
  });
});
