import { randomBytes, randomUUID } from 'node:crypto';
import type { DeadLetterResource } from '@ordering/messaging';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type ApiResponse, type MenuItem, type Page } from './support/api-client.js';
import { aCustomer, anIdempotencyKey } from './support/builders.js';
import { describeResponse, expectProblem, expectStatus } from './support/expectations.js';
import { testBrokerUrl } from './support/infrastructure.js';
import { operatorTokenOf, signedBy } from './support/operator-credentials.js';
import { adminToken, expectMoneyInvariants, terminalSagaOf, waitForQuietSagas, type CustomerSession } from './support/sagas.js';
import { useSystemPerSuite } from './support/system-per-suite.js';

/**
 * Poison messages sent straight to a service's `POST /internal/messages` (the receiving end of the HTTP transport),
 * signed with the orchestrator's key the launcher generated: each is parked as a dead letter (202, "do not resend")
 * and listed at `GET /internal/dead-letters` (behind the operator token); nothing is blocked behind them, and the
 * gateway does not route `/internal/*`. Unsigned or wrongly signed pushes are refused (401), and a message signed by
 * a service that may not send its type is parked, never applied. With a broker the route does not exist: the
 * broker-dead-letters suite covers that transport.
 */

/** A parked message as `GET /internal/dead-letters` answers it: the wire type the services publish for clients. */
type DeadLetter = DeadLetterResource;

/** A well-formed envelope (packages/contracts/src/envelope.ts) for `destination`; override any field. */
const anEnvelope = (
  destination: string,
  type: string,
  payload: unknown,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> => ({
  id: randomUUID(),
  type,
  source: 'orchestrator',
  destination,
  correlationId: randomUUID(),
  causationId: null,
  replyTo: 'orchestrator',
  occurredAt: new Date().toISOString(),
  headers: {},
  payload,
  ...overrides,
});

interface PoisonCase {
  readonly name: string;
  /** The body as sent, and how to recognise its dead letter. */
  readonly build: (service: string) => { raw: string; contentType: string; matches: (letter: DeadLetter) => boolean; error: RegExp };
}

const byMessageId = (envelope: Record<string, unknown>) => (letter: DeadLetter) => letter.messageId === envelope['id'];
const byRaw = (raw: string) => (letter: DeadLetter) => JSON.stringify(letter.message).includes(JSON.stringify(raw).slice(1, -1));

/** A command type the service really handles, with a payload its contract refuses. */
const INVALID_PAYLOADS: Record<string, { type: string; payload: unknown }> = {
  order: { type: 'order.CreatePendingOrder.v1', payload: { orderId: 'not-a-uuid', customerId: randomUUID(), items: [] } },
  account: { type: 'account.DebitAccount.v1', payload: { customerId: randomUUID(), orderId: randomUUID(), amount: -5 } },
};

const POISON: readonly PoisonCase[] = [
  {
    name: 'malformed JSON',
    build: () => {
      const raw = `{"id": "${randomUUID()}", "type": "order.CreatePendingOrder.v1", "payload": {`;
      return { raw, contentType: 'application/json', matches: byRaw(raw), error: /JSON/i };
    },
  },
  {
    name: 'a text body that is not JSON at all',
    build: () => {
      const raw = `hello ${randomUUID()}`;
      return { raw, contentType: 'text/plain', matches: byRaw(raw), error: /JSON/i };
    },
  },
  {
    name: 'a valid envelope with a payload its contract refuses',
    build: (service) => {
      const { type, payload } = INVALID_PAYLOADS[service] as { type: string; payload: unknown };
      const envelope = anEnvelope(service, type, payload);
      return { raw: JSON.stringify(envelope), contentType: 'application/json', matches: byMessageId(envelope), error: /payload/i };
    },
  },
  {
    name: 'an unknown message type',
    build: (service) => {
      const envelope = anEnvelope(service, `${service}.DoSomethingUnheardOf.v9`, { orderId: randomUUID() });
      return {
        raw: JSON.stringify(envelope),
        contentType: 'application/json',
        matches: byMessageId(envelope),
        error: /DoSomethingUnheardOf/,
      };
    },
  },
  {
    name: 'an envelope with a missing id and unknown fields',
    build: (service) => {
      const envelope = anEnvelope(
        service,
        'order.ApproveOrder.v1',
        { orderId: randomUUID() },
        { id: undefined, marker: randomUUID(), extra: true },
      );
      return {
        raw: JSON.stringify(envelope),
        contentType: 'application/json',
        matches: byRaw(String(envelope['marker'])),
        error: /envelope/i,
      };
    },
  },
  {
    name: 'an envelope addressed to another service',
    build: (service) => {
      const other = service === 'order' ? 'account' : 'order';
      const { type, payload } = INVALID_PAYLOADS[other] as { type: string; payload: unknown };
      const envelope = anEnvelope(other, type, payload);
      return { raw: JSON.stringify(envelope), contentType: 'application/json', matches: byMessageId(envelope), error: new RegExp(other) };
    },
  },
];

describe.skipIf(testBrokerUrl() !== undefined)('poison messages at the internal message endpoint', () => {
  const { running, api } = useSystemPerSuite();
  let admin: string;
  let buyer: CustomerSession;
  let item: MenuItem;

  beforeAll(async () => {
    admin = await adminToken(api);
    const menu = await api.menu();
    expectStatus(menu, 200);
    item = menu.body.items[0] as MenuItem;
    buyer = await api.signUp(aCustomer());
    expectStatus(await api.deposit(buyer.token, 10 * item.price, anIdempotencyKey()), 201);
  });
  const logs = (): string => running().tail(60);
  const operatorToken = (): string => operatorTokenOf(running());
  /** The orchestrator's signature: the one sender of every command these suites post. */
  const signed = (raw: string): Record<string, string> => signedBy(running(), 'orchestrator', raw);

  const deadLetters = async (service: 'order' | 'account'): Promise<DeadLetter[]> => {
    const client = new ApiClient(running().serviceUrls[service]);
    const all: DeadLetter[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page += 1) {
      const response: ApiResponse<Page<DeadLetter>> = await client.get(
        `/internal/dead-letters?limit=100${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
        {
          token: operatorToken(),
        },
      );
      expect(response.status, describeResponse(response)).toBe(200);
      all.push(...response.body.items);
      if (response.body.nextCursor === null) return all;
      cursor = response.body.nextCursor;
    }
    throw new Error('the dead-letter pagination did not end after 100 pages');
  };

  const checkoutCompletes = async (): Promise<void> => {
    const response = await api.checkoutItems(buyer.token, [{ menuItemId: item.id, quantity: 1 }], { wait: 30 });
    const saga = await terminalSagaOf(api, buyer.token, response, { context: logs });
    expect(saga.status, `${JSON.stringify(saga)}\n${logs()}`).toBe('COMPLETED');
    expect((await api.order(buyer.token, saga.orderId)).body.status).toBe('APPROVED');
  };

  it('when nothing was sent yet, then a checkout completes (the message path works)', async () => {
    await checkoutCompletes();
  });

  for (const service of ['order', 'account'] as const) {
    describe(`the ${service} service`, () => {
      it.each(POISON.map((poison) => [poison.name, poison] as const))(
        `when %s is posted to ${service}'s /internal/messages, then it is answered 202 and listed as a dead letter with its error`,
        async (_name, poison) => {
          const { raw, contentType, matches, error } = poison.build(service);
          const client = new ApiClient(running().serviceUrls[service]);
          const response = await client.post('/internal/messages', { raw, contentType, headers: signed(raw) });
          expect(response.status, `${describeResponse(response)}\nsent: ${raw}\n${logs()}`).toBe(202);
          const letters = (await deadLetters(service)).filter(matches);
          expect(letters, `the dead letters of ${service} hold exactly one letter for: ${raw}`).toHaveLength(1);
          const [letter] = letters as [DeadLetter];
          expect(letter).toMatchObject({ id: expect.any(String), error: expect.any(String), deadAt: expect.any(String) });
          expect(letter.error, JSON.stringify(letter)).toMatch(error);
          expect(letter.consumer).toBe(service);
          expect(letter.replayedAt).toBeNull();
        },
      );

      it(`when the same invalid envelope reaches ${service} twice, then both deliveries are answered 202 and it is still one dead letter`, async () => {
        const { type, payload } = INVALID_PAYLOADS[service] as { type: string; payload: unknown };
        const envelope = anEnvelope(service, type, payload);
        const client = new ApiClient(running().serviceUrls[service]);
        for (let i = 0; i < 2; i += 1) {
          const raw = JSON.stringify(envelope);
          const response = await client.post('/internal/messages', { raw, contentType: 'application/json', headers: signed(raw) });
          expect(response.status, describeResponse(response)).toBe(202);
        }
        expect((await deadLetters(service)).filter(byMessageId(envelope))).toHaveLength(1);
      });

      it(`when ${service} has parked poison messages, then it is still ready and a checkout still completes`, async () => {
        const client = new ApiClient(running().serviceUrls[service]);
        expectStatus(await client.get('/readyz'), 200);
        await checkoutCompletes();
      });
    });
  }

  it('when /internal/messages or /internal/dead-letters is asked through the gateway, then the answer is 404, with or without a token', async () => {
    const envelope = anEnvelope('order', INVALID_PAYLOADS['order']?.type ?? '', {});
    const attempts = [
      await api.post('/internal/messages', { json: envelope }),
      await api.post('/internal/messages', { json: envelope, token: buyer.token }),
      await api.post('/internal/messages', { json: envelope, token: admin }),
      await api.get('/internal/dead-letters'),
      await api.get('/internal/dead-letters', { token: admin }),
      await api.get('/internal/outbox/dead', { token: admin }),
    ];
    for (const response of attempts) expectProblem(response, 404, 'NOT_FOUND');
    expect((await deadLetters('order')).filter(byMessageId(envelope)), 'nothing reached the order service through the gateway').toEqual([]);
  });

  it("when a service's /internal/messages gets an unsigned push or one signed by an unknown key, and its operator routes no or a wrong token, then they answer 401 problem+json", async () => {
    const wrong = randomBytes(32).toString('base64url');
    for (const service of ['order', 'account'] as const) {
      const client = new ApiClient(running().serviceUrls[service]);
      const envelope = anEnvelope(service, INVALID_PAYLOADS[service]?.type ?? '', {});
      const raw = JSON.stringify(envelope);
      const forgedSignature = { ...signed(raw), 'x-message-signature': randomBytes(64).toString('base64url') };
      for (const headers of [{}, forgedSignature, { ...signed(raw), 'x-message-sender': 'intruder' }]) {
        expectProblem(await client.post('/internal/messages', { raw, contentType: 'application/json', headers }), 401, 'UNAUTHENTICATED');
      }
      for (const token of [undefined, wrong]) {
        const credentials = token === undefined ? {} : { token };
        expectProblem(await client.get('/internal/dead-letters', credentials), 401, 'UNAUTHENTICATED');
      }
      expect((await deadLetters(service)).filter(byMessageId(envelope)), `nothing was parked at ${service}`).toEqual([]);
    }
  });

  describe('a RefundAccount for a paid order, forged', () => {
    const paidOrder = async (): Promise<{ victim: CustomerSession; orderId: string; balance: number }> => {
      const victim = await api.signUp(aCustomer());
      expectStatus(await api.deposit(victim.token, 3 * item.price, anIdempotencyKey()), 201);
      const paid = await terminalSagaOf(
        api,
        victim.token,
        await api.checkoutItems(victim.token, [{ menuItemId: item.id, quantity: 1 }], { wait: 30 }),
        { context: logs },
      );
      expect(paid.status, `${JSON.stringify(paid)}\n${logs()}`).toBe('COMPLETED');
      const balance = (await api.account(victim.token)).body.balance;
      expect(balance).toBe(2 * item.price);
      return { victim, orderId: paid.orderId, balance };
    };

    const expectNoRefund = async (victim: CustomerSession, balance: number): Promise<void> => {
      expect((await api.account(victim.token)).body.balance).toBe(balance);
      expect((await api.allEntries(victim.token)).map((entry) => entry.kind).sort()).toEqual(['DEBIT', 'DEPOSIT']);
    };

    it('when it is unsigned, then it is refused (401), not parked, and no balance changes', async () => {
      const { victim, orderId, balance } = await paidOrder();
      const forged = anEnvelope('account', 'account.RefundAccount.v1', { customerId: victim.customer.id, orderId });

      const response = await new ApiClient(running().serviceUrls.account).post('/internal/messages', { json: forged });

      expectProblem(response, 401, 'UNAUTHENTICATED');
      await expectNoRefund(victim, balance);
      expect((await deadLetters('account')).filter(byMessageId(forged))).toEqual([]);
    });

    it("when it is signed with the order service's own key, then account parks it as a dead letter naming the rule, and no balance changes", async () => {
      const { victim, orderId, balance } = await paidOrder();
      // A compromised order service: its real key, claiming to be itself, sending what only the orchestrator may.
      const forged = anEnvelope('account', 'account.RefundAccount.v1', { customerId: victim.customer.id, orderId }, { source: 'order' });
      const raw = JSON.stringify(forged);

      const response = await new ApiClient(running().serviceUrls.account).post('/internal/messages', {
        raw,
        contentType: 'application/json',
        headers: signedBy(running(), 'order', raw),
      });

      expect(response.status, describeResponse(response)).toBe(202);
      await expectNoRefund(victim, balance);
      const [letter] = (await deadLetters('account')).filter(byMessageId(forged));
      expect(letter?.error).toMatch(/'order' may not send account\.RefundAccount\.v1/);
    });
  });

  it('when the poison is over, then the money invariants hold for the buyer', async () => {
    await waitForQuietSagas(api, admin, { context: logs });
    const [money] = await expectMoneyInvariants(api, [buyer], { adminToken: admin, context: logs });
    expect(money?.orders.filter((order) => order.status === 'APPROVED')).toHaveLength(3);
  });
});
