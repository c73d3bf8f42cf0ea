import { MessageTypes } from '@ordering/contracts';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { participantOf, type AccountParticipant } from './account-participant.js';
import { startAccountService, type AccountServiceUnderTest } from './account-service.js';
import { aCustomerRegistered, aDebitAccount } from './builders.js';

describe('POST /internal/messages on the account service', () => {
  let service: AccountServiceUnderTest;
  let participant: AccountParticipant;

  beforeAll(async () => {
    service = await startAccountService();
    participant = participantOf(service);
  });
  afterAll(async () => {
    await service?.close();
  });

  /** What a peer's HTTP transport sends: the envelope as the raw body. */
  const post = (body: string, contentType = 'application/json'): Promise<LightMyRequestResponse> =>
    service.app.inject({ method: 'POST', url: '/internal/messages', headers: { 'content-type': contentType }, payload: body });

  it('when a CustomerRegistered event arrives, then the account exists with balance 0, and a second delivery is a duplicate 200', async () => {
    const event = aCustomerRegistered();
    const { customerId } = event.payload;

    const first = await post(JSON.stringify(event));

    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ outcome: 'processed' });
    expect(await service.balanceOf(customerId)).toBe(0);

    const second = await post(JSON.stringify(event));

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

  it('when the body is not JSON, then it is parked (202) and GET /internal/dead-letters lists it with its error', async () => {
    const response = await post('not json', 'text/plain');

    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ outcome: 'dead-lettered' });
    const listed = await service.app.inject({ method: 'GET', url: '/internal/dead-letters' });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toContainEqual(
      expect.objectContaining({
        consumer: 'account',
        messageId: null,
        message: { raw: 'not json' },
        error: expect.stringMatching(/not valid JSON/),
        attempts: 1,
      }),
    );
  });
});
