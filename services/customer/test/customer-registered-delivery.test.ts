import { randomUUID } from 'node:crypto';
import { MessageTypes } from '@ordering/contracts';
import { createEnvelope, createMessageSigner } from '@ordering/messaging';
import { expectParkedAsNotJson, listDeadLetters, pushMessage, testSigningKeyOf, useTestDatabase } from '@ordering/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aRegistration, anAdmin } from './builders.js';
import { register, startCustomerApp, type CustomerTestApp } from './support/customer-test-app.js';
import { useRecordingPeer, type RecordingPeer } from './support/recording-peer.js';
import { useCustomerApp } from './support/use-customer-app.js';

// The customer service consumes nothing; whatever a peer pushes it anyway is parked, once its signature checks out.
const accountSigner = createMessageSigner('account', testSigningKeyOf('account'));
const customerSigner = createMessageSigner('customer', testSigningKeyOf('customer'));

/** Generous: delivery normally takes milliseconds; this only bounds a broken relay. */
const DELIVERY_BOUND = { timeout: 10_000, interval: 50 };

const deliveriesFor = (peer: RecordingPeer, customerId: string) =>
  peer.received.filter(({ envelope }) => (envelope.payload as { customerId?: string }).customerId === customerId);

const outboxStatusOf = async (service: CustomerTestApp, customerId: string): Promise<string[]> =>
  (
    await service.database.pool.query<{ status: string }>(
      "select status from outbox_messages where envelope->'payload'->>'customerId' = $1",
      [customerId],
    )
  ).rows.map((row) => row.status);

describe('CustomerRegistered leaving through the outbox relay', () => {
  const peer = useRecordingPeer();
  // A poll far longer than the wait below: only the wake after the registration's commit can deliver in time.
  const service = useCustomerApp(() => ({ peers: { account: [peer.url] }, relay: { pollIntervalMs: 60_000 } }));

  beforeAll(() => {
    service.messaging.start();
  });

  it('when a customer registers, then the running relay delivers CustomerRegistered to the account service at once and marks it SENT', async () => {
    const response = await register(service.app, aRegistration());
    expect(response.statusCode).toBe(201);
    const customer = response.json();

    await expect.poll(() => deliveriesFor(peer, customer.id).length, DELIVERY_BOUND).toBe(1);
    const [delivery] = deliveriesFor(peer, customer.id);
    expect(delivery?.path).toBe('/internal/messages');
    expect(delivery?.contentType).toBe('application/json');
    expect(delivery?.authentication).toEqual({ ok: true, value: { via: 'signature', sender: 'customer' } });
    expect(delivery?.envelope).toMatchObject({
      type: MessageTypes.CustomerRegistered,
      source: 'customer',
      destination: 'account',
      correlationId: customer.id,
      payload: { customerId: customer.id, role: 'customer', registeredAt: customer.createdAt },
    });
    await expect.poll(() => outboxStatusOf(service, customer.id), DELIVERY_BOUND).toEqual(['SENT']);
  });

  it('when the body is not JSON, then it is parked (202) and GET /internal/dead-letters lists it with its error', async () => {
    const response = await pushMessage(service.app, 'not json', { signer: accountSigner, contentType: 'text/plain' });

    await expectParkedAsNotJson(service.app, response, 'customer');
  });

  it('when a well-formed message is addressed to the customer service, which consumes nothing, then it is parked rather than lost', async () => {
    const stray = createEnvelope({
      type: MessageTypes.CustomerRegistered,
      source: 'customer',
      destination: 'customer',
      correlationId: randomUUID(),
      payload: { customerId: randomUUID(), role: 'customer', registeredAt: new Date().toISOString() },
    });

    const response = await pushMessage(service.app, JSON.stringify(stray), { signer: customerSigner });

    expect(response.statusCode).toBe(202);
    const listed = (await listDeadLetters(service.app)).json();
    expect(listed.items).toContainEqual(
      expect.objectContaining({ consumer: 'customer', messageId: stray.id, messageType: MessageTypes.CustomerRegistered }),
    );
  });
});

describe('the bootstrapped admin leaving through the outbox relay', () => {
  const peer = useRecordingPeer();
  const testDatabase = useTestDatabase();
  let service: CustomerTestApp | undefined;

  afterAll(async () => {
    await service?.close();
  });

  it('when the service starts with an admin to create, then its CustomerRegistered reaches the account service', async () => {
    const admin = anAdmin();
    const started = await startCustomerApp(testDatabase.url, { admin, peers: { account: [peer.url] } });
    service = started;
    started.messaging.start();

    await expect.poll(() => peer.received.length, DELIVERY_BOUND).toBe(1);
    const { rows } = await started.database.pool.query<{ id: string }>('select id from customers where lower(email) = lower($1)', [
      admin.email,
    ]);
    expect(peer.received[0]?.envelope).toMatchObject({
      type: MessageTypes.CustomerRegistered,
      destination: 'account',
      payload: { customerId: rows[0]?.id, role: 'admin' },
    });
  });
});
