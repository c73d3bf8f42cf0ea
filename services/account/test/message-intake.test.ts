import { randomUUID } from 'node:crypto';
import { MessageTypes } from '@ordering/contracts';
import { createMessageSigner } from '@ordering/messaging';
import { expectParkedAsNotJson, listDeadLetters, pushMessage, testSigningKeyOf } from '@ordering/testing';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { useAccountParticipant } from './support/use-account-service.js';
import { aCustomerRegistered, aDebitAccount, aRefundAccount } from './builders.js';

describe('POST /internal/messages on the account service', () => {
  const { service, participant } = useAccountParticipant();

  /** What a peer's HTTP transport sends: the envelope as the raw body, signed with the sender's key. */
  const post = (body: string, options: { sender?: string; contentType?: string } = {}): Promise<LightMyRequestResponse> => {
    const sender = options.sender ?? 'orchestrator';
    return pushMessage(service.app, body, {
      signer: createMessageSigner(sender, testSigningKeyOf(sender)),
      ...(options.contentType ? { contentType: options.contentType } : {}),
    });
  };

  it('when a CustomerRegistered event arrives, then the account exists with balance 0, and a second delivery is a duplicate 200', async () => {
    const event = aCustomerRegistered();
    const { customerId } = event.payload;

    const first = await post(JSON.stringify(event), { sender: 'customer' });

    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ outcome: 'processed' });
    expect(await service.balanceOf(customerId)).toBe(0);

    const second = await post(JSON.stringify(event), { sender: 'customer' });

    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual({ outcome: 'duplicate' });
    expect(await service.countRows('accounts', customerId)).toBe(1);
    expect(await participant.repliesTo(event)).toEqual([]);
  });

  it('when a DebitAccount command arrives for a customer without the money, then its FAILED reply waits in the outbox for the orchestrator', async () => {
    const command = aDebitAccount({ amount: 500 });
    const { customerId, orderId } = command.payload;
    await participant.fund(customerId, 100);

    const response = await post(JSON.stringify(command));

    expect(response.statusCode).toBe(200);
    expect(await participant.repliesTo(command)).toEqual([
      expect.objectContaining({
        type: MessageTypes.DebitAccountReply,
        destination: 'orchestrator',
        payload: { orderId, outcome: 'FAILED', reason: 'INSUFFICIENT_FUNDS' },
      }),
    ]);
    expect(await service.balanceOf(customerId)).toBe(100);
  });

  it("when the order service forges a refund (its own name or the orchestrator's), then it is parked and no money moves; the orchestrator's refund is applied", async () => {
    const debit = aDebitAccount({ amount: 700 });
    const { customerId, orderId } = debit.payload;
    await participant.fund(customerId, 1_000);
    await participant.send(debit);
    const refund = aRefundAccount({ customerId, orderId });
    const fromOrder = { ...refund, id: randomUUID(), source: 'order' };
    const posingAsOrchestrator = { ...refund, id: randomUUID() };

    const asItself = await post(JSON.stringify(fromOrder), { sender: 'order' });
    const asOrchestrator = await post(JSON.stringify(posingAsOrchestrator), { sender: 'order' });

    expect([asItself.statusCode, asOrchestrator.statusCode]).toEqual([202, 202]);
    expect(await service.balanceOf(customerId)).toBe(300);
    const listed = (await listDeadLetters(service.app, '?limit=100')).json();
    const errors = new Map(listed.items.map((item: { messageId: string; error: string }) => [item.messageId, item.error]));
    expect(errors.get(fromOrder.id)).toMatch(/'order' may not send account\.RefundAccount\.v1 \(only orchestrator may\)/);
    expect(errors.get(posingAsOrchestrator.id)).toMatch(/claims to come from 'orchestrator' but is signed by 'order'/);

    const genuine = await post(JSON.stringify(refund));

    expect(genuine.statusCode).toBe(200);
    expect(genuine.json()).toEqual({ outcome: 'processed' });
    expect(await service.balanceOf(customerId)).toBe(1_000);
  });

  it('when the body is not JSON, then it is parked (202) and GET /internal/dead-letters lists it with its error', async () => {
    const response = await post('not json', { contentType: 'text/plain' });

    await expectParkedAsNotJson(service.app, response, 'account');
  });
});
