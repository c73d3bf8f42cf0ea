import { randomUUID } from 'node:crypto';
import { MessageTypes, type Envelope } from '@ordering/contracts';
import { createHttpServer, createMetrics } from '@ordering/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeadLetterStore, createEnvelope, registerMessageRoutes, type MessageHandler } from '../../src/index.js';
import * as schema from '../fixtures/schema.js';
import {
  createTestConsumer,
  ledgerHandler,
  silentLogger,
  startService,
  startTestDatabase,
  testSignerOf,
  type RunningService,
  type TestDatabaseHandle,
  type TestTx,
} from '../messaging-harness.js';

interface RefundPayload {
  customerId: string;
  orderId: string;
}

/** The effect a forged refund is after: here one ledger row (of -1) per refund applied. */
const refundHandler: MessageHandler<TestTx, RefundPayload> = {
  type: MessageTypes.RefundAccount,
  async handle(tx, envelope: Envelope<RefundPayload>) {
    await tx.insert(schema.ledger).values({ messageId: envelope.id, orderId: envelope.payload.orderId, amount: -1 });
  },
};

const aRefund = (source = 'orchestrator'): Envelope<RefundPayload> =>
  createEnvelope({
    type: MessageTypes.RefundAccount,
    source,
    destination: 'account',
    correlationId: randomUUID(),
    payload: { customerId: randomUUID(), orderId: randomUUID() },
  });

let handle: TestDatabaseHandle;
let service: RunningService;

beforeAll(async () => {
  handle = await startTestDatabase();
  service = await startService(handle, { service: 'account', handlers: [ledgerHandler(), refundHandler as MessageHandler<TestTx>] });
});

afterAll(async () => {
  await service?.close();
  await handle?.close();
});

/** Over the network, as a peer's transport pushes: the envelope as the raw body, with whatever headers it brings. */
const push = (envelope: Envelope<unknown>, headers: (body: string) => Record<string, string>) => {
  const body = JSON.stringify(envelope);
  return fetch(`${service.url}/internal/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers(body) },
    body,
  });
};

const traces = async (messageId: string) => ({
  inbox: await handle.count('select count(*) from inbox_messages where message_id = $1', [messageId]),
  ledger: await handle.count('select count(*) from ledger where message_id = $1', [messageId]),
  deadLetters: await handle.count('select count(*) from dead_letters where message_id = $1', [messageId]),
});

const deadLetterErrorOf = async (messageId: string): Promise<string | undefined> =>
  (await handle.database.pool.query<{ error: string }>('select error from dead_letters where message_id = $1', [messageId])).rows[0]?.error;

describe('POST /internal/messages authenticates each push by its signature', () => {
  it('when a push is unsigned, then it is answered 401 problem+json and neither consumed nor parked', async () => {
    const refund = aRefund();

    const response = await push(refund, () => ({}));

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await traces(refund.id)).toEqual({ inbox: 0, ledger: 0, deadLetters: 0 });
  });

  it('when the order service signs a refund in its own name, then it is parked (202) with the rule it broke, and no refund is applied', async () => {
    const forged = aRefund('order');

    const response = await push(forged, (body) => testSignerOf('order').headersFor(body));

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ outcome: 'dead-lettered' });
    expect(await traces(forged.id)).toEqual({ inbox: 0, ledger: 0, deadLetters: 1 });
    expect(await deadLetterErrorOf(forged.id)).toBe("'order' may not send account.RefundAccount.v1 (only orchestrator may)");
  });

  it('when the order service signs a refund whose envelope claims the orchestrator as its source, then it is parked, and no refund is applied', async () => {
    const posing = aRefund('orchestrator');

    const response = await push(posing, (body) => testSignerOf('order').headersFor(body));

    expect(response.status).toBe(202);
    expect(await traces(posing.id)).toEqual({ inbox: 0, ledger: 0, deadLetters: 1 });
    expect(await deadLetterErrorOf(posing.id)).toBe("The message claims to come from 'orchestrator' but is signed by 'order'");
  });

  it('when the orchestrator signs a refund, then it is processed once', async () => {
    const refund = aRefund();

    const response = await push(refund, (body) => testSignerOf('orchestrator').headersFor(body));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ outcome: 'processed' });
    expect(await traces(refund.id)).toEqual({ inbox: 1, ledger: 1, deadLetters: 0 });
  });

  it('when the routes are registered without an intake (a broker carries the messages), then POST /internal/messages is 404', async () => {
    const app = await createHttpServer({ service: 'account', logger: silentLogger(), metrics: createMetrics('account'), readiness: [] });
    registerMessageRoutes(app, {
      service: 'account',
      consumer: createTestConsumer(handle),
      deadLetters: createDeadLetterStore(handle.database.db, 'account'),
    });
    const refund = aRefund();
    const body = JSON.stringify(refund);

    try {
      const response = await app.inject({
        method: 'POST',
        url: '/internal/messages',
        headers: { 'content-type': 'application/json', ...testSignerOf().headersFor(body) },
        payload: body,
      });

      expect(response.statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/internal/dead-letters' })).statusCode).toBe(200);
      expect(await traces(refund.id)).toEqual({ inbox: 0, ledger: 0, deadLetters: 0 });
    } finally {
      await app.close();
    }
  });
});
