import { MessageTypes } from '@ordering/contracts';
import { createMessageSigner } from '@ordering/messaging';
import { expectParkedAsNotJson, pushMessage, testSigningKeyOf } from '@ordering/testing';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { useOrderParticipant } from './support/use-order-service.js';
import { aCreatePendingOrder, DEFAULT_ORDER_TOTAL } from './builders.js';

describe('POST /internal/messages on the order service', () => {
  const { service, participant } = useOrderParticipant();

  /** What the orchestrator's HTTP transport sends: the envelope as the raw body, signed with its key. */
  const post = (body: string, contentType = 'application/json'): Promise<LightMyRequestResponse> =>
    pushMessage(service.app, body, { signer: createMessageSigner('orchestrator', testSigningKeyOf('orchestrator')), contentType });

  it('when a CreatePendingOrder command arrives, then it is processed: the order is PENDING and its reply waits in the outbox for the orchestrator', async () => {
    const command = aCreatePendingOrder();
    const { orderId } = command.payload;

    const response = await post(JSON.stringify(command));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ outcome: 'processed' });
    expect(await participant.orderState(orderId)).toEqual({ status: 'PENDING', reason: null });
    const outbox = await service.database.pool.query(
      "select destination, message_type, status, envelope->'payload' as payload from outbox_messages where envelope->>'causationId' = $1",
      [command.id],
    );
    expect(outbox.rows).toEqual([
      {
        destination: 'orchestrator',
        message_type: MessageTypes.CreatePendingOrderReply,
        status: 'PENDING',
        payload: { orderId, outcome: 'SUCCEEDED', total: DEFAULT_ORDER_TOTAL, currency: 'JPY' },
      },
    ]);
  });

  it('when the same command is delivered again, then it is a duplicate 200 and nothing more is written', async () => {
    const command = aCreatePendingOrder();
    expect((await post(JSON.stringify(command))).statusCode).toBe(200);
    const outboxBefore = await service.countRows('outbox_messages');

    const again = await post(JSON.stringify(command));

    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ outcome: 'duplicate' });
    expect(await service.countRows('outbox_messages')).toBe(outboxBefore);
    expect(await participant.repliesTo(command)).toHaveLength(1);
  });

  it('when the body is not JSON, then it is parked (202) and GET /internal/dead-letters lists it with its error', async () => {
    const ordersBefore = await service.countRows('orders');

    const response = await post('not json', 'text/plain');

    await expectParkedAsNotJson(service.app, response, 'order');
    expect(await service.countRows('orders')).toBe(ordersBefore);
  });
});
