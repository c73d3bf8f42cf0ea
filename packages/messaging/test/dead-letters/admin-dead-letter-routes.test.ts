import { randomUUID } from 'node:crypto';
import type { Envelope } from '@ordering/contracts';
import { createMetrics, type HttpServer } from '@ordering/platform';
import { createTestTokens, testMessageSecurity, type TestTokens } from '@ordering/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildMessagingServiceApp, createMessaging, parkMessage, type MessageHandler, type Messaging } from '../../src/index.js';
import { aDebitCommand, type DebitPayload } from '../builders.js';
import * as schema from '../fixtures/schema.js';
import { eventually, silentLogger, startTestDatabase, testSignerOf, type TestDatabaseHandle, type TestTx } from '../messaging-harness.js';
import {
  drainQueue,
  ledgerCountFor,
  publishRaw,
  startAmqpNode,
  TEST_BROKER_URL,
  useTestNamespace,
  type AmqpNode,
} from '../transports/amqp/broker-harness.js';

const PATH = '/api/admin/account/dead-letters';

interface Listed {
  items: Array<Record<string, unknown>>;
  nextCursor: string | null;
}

/** Debits the ledger, except for the orders a test says are failing: their messages fail until taken off the list. */
const failingForSomeOrders = (failing: Set<string>): MessageHandler<TestTx, DebitPayload> => ({
  type: 'account.DebitAccount.v1',
  async handle(tx: TestTx, envelope: Envelope<DebitPayload>) {
    if (failing.has(envelope.payload.orderId)) throw new Error(`order ${envelope.payload.orderId} is failing on purpose`);
    await tx.insert(schema.ledger).values({ messageId: envelope.id, orderId: envelope.payload.orderId, amount: envelope.payload.amount });
  },
});

/** The account service's app as main.ts builds it: its messaging's internal and admin routes, behind the test issuer's tokens. */
const buildAccountApp = (handle: TestDatabaseHandle, messaging: Messaging, tokens: TestTokens): Promise<HttpServer> =>
  buildMessagingServiceApp({
    service: 'account',
    deps: { logger: silentLogger(), metrics: createMetrics('account'), database: handle.database, verifier: tokens.verifier, messaging },
    openapi: { title: 'account', description: 'test' },
    registerRoutes: () => {},
  });

const asAdmin = async (tokens: TestTokens) => ({ authorization: `Bearer ${await tokens.issue({ role: 'admin' })}` });

const repairedAmount = (envelope: Envelope<unknown>, amount: number) => ({
  ...envelope,
  payload: { ...(envelope.payload as object), amount },
});

describe('admin dead-letter routes over HTTP', { timeout: 60_000 }, () => {
  const failing = new Set<string>();
  let handle: TestDatabaseHandle;
  let messaging: Messaging;
  let app: HttpServer;
  let tokens: TestTokens;
  let admin: Record<string, string>;

  beforeAll(async () => {
    handle = await startTestDatabase();
    tokens = await createTestTokens();
    admin = await asAdmin(tokens);
    messaging = createMessaging({
      service: 'account',
      database: handle.database,
      peers: {},
      handlers: [failingForSomeOrders(failing)],
      logger: silentLogger(),
      metrics: createMetrics('account'),
      security: testMessageSecurity('account'),
      consumer: { maxAttempts: 1 },
    });
    app = await buildAccountApp(handle, messaging, tokens);
  });

  afterAll(async () => {
    await app?.close();
    await messaging?.stop();
    await handle?.close();
  });

  const list = async (query = ''): Promise<Listed> => {
    const response = await app.inject({ method: 'GET', url: `${PATH}${query}`, headers: admin });
    expect(response.statusCode).toBe(200);
    return response.json() as Listed;
  };

  const show = (transport: string, id: string) => app.inject({ method: 'GET', url: `${PATH}/${transport}/${id}`, headers: admin });

  const replay = (transport: string, id: string, body?: unknown) =>
    app.inject({
      method: 'POST',
      url: `${PATH}/${transport}/${id}/replay`,
      headers: { ...admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  /** Parks the message the way a push would (the consumer refuses it or its handler fails) and returns its dead letter's id. */
  const parked = async (envelope: Envelope<unknown>): Promise<string> => {
    const result = await messaging.consumer.consume(JSON.stringify(envelope));
    expect(result.outcome).toBe('dead-lettered');
    return String(result.deadLetterId);
  };

  it('when a route is called without a token, then it is a 401 problem; with a customer token, a 403 problem', async () => {
    const customer = { authorization: `Bearer ${await tokens.issue({ role: 'customer' })}` };
    const id = randomUUID();
    const calls = [
      { method: 'GET' as const, url: PATH },
      { method: 'GET' as const, url: `${PATH}/http/${id}` },
      { method: 'POST' as const, url: `${PATH}/http/${id}/replay` },
    ];

    for (const call of calls) {
      const anonymous = await app.inject(call);
      const asCustomer = await app.inject({ ...call, headers: customer });

      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      expect(asCustomer.statusCode).toBe(403);
      expect(asCustomer.json()).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    }
  });

  it('when the OpenAPI document is read, then the three routes are in it, tagged admin and behind bearer auth', async () => {
    const paths = (await app.inject({ method: 'GET', url: '/docs/json' })).json().paths as Record<string, Record<string, unknown>>;

    const operations = [
      paths[PATH]?.['get'],
      paths[`${PATH}/{transport}/{id}`]?.['get'],
      paths[`${PATH}/{transport}/{id}/replay`]?.['post'],
    ];

    for (const operation of operations)
      expect(operation).toMatchObject({ tags: ['admin'], security: [{ bearerAuth: [] }], summary: expect.any(String) });
  });

  it('when the table holds dead letters, then they are listed newest first page by page, as http items of the service', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push(await parked(aDebitCommand({}, { amount: -1 })));

    const first = await list('?limit=2');
    const second = await list(`?limit=2&cursor=${first.nextCursor}`);

    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const listed = [...first.items, ...second.items];
    expect(new Set(listed.map((item) => item['id'])).size).toBe(listed.length);
    expect(listed.map((item) => item['id'])).toEqual(expect.arrayContaining(ids));
    const times = listed.map((item) => String(item['deadAt']));
    expect([...times].sort().reverse()).toEqual(times);
    expect(listed.find((item) => item['id'] === ids[0])).toMatchObject({
      transport: 'http',
      service: 'account',
      queue: 'account',
      messageType: 'account.DebitAccount.v1',
      error: expect.stringMatching(/payload\.amount/),
      attempts: 1,
      replayedAt: null,
    });
    expect((await list('?transport=rabbitmq')).items).toEqual([]);
  });

  it('when a dead letter is shown, then it comes with its message; an unknown id or one that is not a UUID is a 404, a transport other than http|rabbitmq a 400', async () => {
    const envelope = aDebitCommand({}, { amount: -2 });
    const id = await parked(envelope);

    const shown = await show('http', id);
    const unknown = await show('http', randomUUID());
    const notUuid = await show('http', 'abcdef0123456789abcdef0123456789');
    const badTransport = await show('smtp', id);
    const badId = await show('http', 'not_an_id');

    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ id, transport: 'http', messageId: envelope.id, message: envelope, replayedAt: null });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect(notUuid.statusCode).toBe(404);
    expect(badTransport.statusCode).toBe(400);
    expect(badTransport.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(badId.statusCode).toBe(400);
    expect((await replay('smtp', id)).statusCode).toBe(400);
    expect((await replay('http', randomUUID())).statusCode).toBe(404);
  });

  it('when a dead letter is replayed as it is, then it is processed, marked replayed and left out of the list unless replayed ones are included', async () => {
    const envelope = aDebitCommand();
    failing.add((envelope.payload as DebitPayload).orderId);
    const id = await parked(envelope);
    failing.delete((envelope.payload as DebitPayload).orderId);

    const replayed = await replay('http', id);

    expect(replayed.statusCode).toBe(200);
    expect(replayed.json()).toEqual({ deadLetterId: id, outcome: 'processed', messageId: envelope.id, type: envelope.type });
    expect(await ledgerCountFor(handle, envelope.id)).toBe(1);
    expect((await show('http', id)).json().replayedAt).toEqual(expect.any(String));
    expect((await list('?limit=100')).items.map((item) => item['id'])).not.toContain(id);
    expect((await list('?limit=100&includeReplayed=true')).items.map((item) => item['id'])).toContain(id);
  });

  it('when a dead letter is replayed as a repaired envelope, then the repair is processed and the dead letter marked replayed', async () => {
    const broken = aDebitCommand({}, { amount: -5 });
    const id = await parked(broken);

    const replayed = await replay('http', id, { message: repairedAmount(broken, 700) });

    expect(replayed.statusCode).toBe(200);
    expect(replayed.json()).toMatchObject({ deadLetterId: id, outcome: 'processed', messageId: broken.id });
    const applied = await handle.database.pool.query('select amount from ledger where message_id = $1', [broken.id]);
    expect(applied.rows).toEqual([{ amount: 700 }]);
    expect((await show('http', id)).json().replayedAt).toEqual(expect.any(String));
  });

  it('when a repaired envelope would be refused, then the replay is a 400 on body.message and the dead letter is unchanged', async () => {
    const broken = aDebitCommand({}, { amount: -5 });
    const id = await parked(broken);
    const before = (await show('http', id)).json();

    const misaddressed = await replay('http', id, { message: { ...repairedAmount(broken, 700), destination: 'order' } });
    const stillBroken = await replay('http', id, { message: broken });

    for (const refused of [misaddressed, stillBroken]) {
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'body.message', message: expect.any(String) }] });
    }
    expect(misaddressed.json().errors[0].message).toMatch(/addressed to 'order'/);
    expect((await show('http', id)).json()).toEqual(before);
    expect(await ledgerCountFor(handle, broken.id)).toBe(0);
  });
});

describe('admin dead-letter routes while the broker is away', () => {
  it('when the service runs on a broker it cannot reach, then its DLQs are a 503 problem and its table is still listed', async () => {
    const handle = await startTestDatabase();
    const tokens = await createTestTokens();
    // Never started: the broker is never dialled, as if it were down.
    const messaging = createMessaging({
      service: 'account',
      database: handle.database,
      peers: {},
      brokerUrl: 'amqp://guest:guest@127.0.0.1:1',
      handlers: [],
      logger: silentLogger(),
      metrics: createMetrics('account'),
      security: testMessageSecurity('account'),
    });
    const app = await buildAccountApp(handle, messaging, tokens);
    const headers = await asAdmin(tokens);
    try {
      const both = await app.inject({ method: 'GET', url: PATH, headers });
      const shown = await app.inject({ method: 'GET', url: `${PATH}/rabbitmq/${'0f'.repeat(16)}`, headers });
      const table = await app.inject({ method: 'GET', url: `${PATH}?transport=http`, headers });

      for (const unavailable of [both, shown]) {
        expect(unavailable.statusCode).toBe(503);
        expect(unavailable.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', detail: expect.stringMatching(/RabbitMQ/) });
      }
      expect(table.statusCode).toBe(200);
      expect(table.json()).toEqual({ items: [], nextCursor: null });
    } finally {
      await app.close();
      await messaging.stop();
      await handle.close();
    }
  });
});

describe.skipIf(!TEST_BROKER_URL)('admin dead-letter routes on RabbitMQ', { timeout: 90_000 }, () => {
  const broker = useTestNamespace();
  const { namespace, commands } = broker;
  const dlq = `${commands}.dlq`;
  let handle: TestDatabaseHandle;
  let tokens: TestTokens;
  let admin: Record<string, string>;
  // One consumer per test: a node left running would compete for the next test's deliveries.
  let node: AmqpNode | undefined;
  let app: HttpServer | undefined;

  beforeAll(async () => {
    handle = await startTestDatabase();
    tokens = await createTestTokens();
    admin = await asAdmin(tokens);
  });

  afterEach(async () => {
    await app?.close();
    await node?.stop();
    app = undefined;
    node = undefined;
    await drainQueue(broker.admin.channel, dlq);
  });

  afterAll(async () => {
    await handle?.close();
  });

  const startAccount = async (handlers?: MessageHandler<TestTx>[]): Promise<HttpServer> => {
    node = await startAmqpNode(handle, { namespace, maxAttempts: 1, ...(handlers ? { handlers } : {}) });
    app = await buildAccountApp(handle, node.messaging, tokens);
    return app;
  };

  /** Onto the command queue, signed by the orchestrator, as its relay would publish it. */
  const publishCommand = (command: Envelope<unknown>): void => {
    const body = JSON.stringify(command);
    publishRaw(broker.admin.channel, commands, body, {
      messageId: command.id,
      type: command.type,
      contentType: 'application/json',
      headers: testSignerOf().headersFor(body),
    });
  };

  const list = async (server: HttpServer, query = ''): Promise<Listed> => {
    const response = await server.inject({ method: 'GET', url: `${PATH}${query}`, headers: admin });
    expect(response.statusCode).toBe(200);
    return response.json() as Listed;
  };

  const queuedIn = async (server: HttpServer): Promise<Array<Record<string, unknown>>> => (await list(server, '?transport=rabbitmq')).items;

  /** Waits for the consumer to park `messageId` in the DLQ; the admin list is what shows it. */
  const parkedInQueue = async (server: HttpServer, messageId: string): Promise<Record<string, unknown>> => {
    const items = await eventually(
      () => queuedIn(server),
      (queued) => queued.some((item) => item['messageId'] === messageId),
      30_000,
    );
    return items.find((item) => item['messageId'] === messageId) ?? {};
  };

  const depthOf = async (queue: string): Promise<number> => (await broker.admin.channel.checkQueue(queue)).messageCount;

  it('when a DLQ holds a dead letter, then it is listed (twice, without losing it) beside the table rows, and shown by its id', async () => {
    const server = await startAccount();
    const broken = aDebitCommand({}, { amount: -5 });
    const tableId = await parkMessage(handle.database.db, {
      consumer: 'account',
      messageId: randomUUID(),
      messageType: 'account.DebitAccount.v1',
      message: aDebitCommand(),
      error: 'parked before the service moved to RabbitMQ',
      attempts: 1,
    });
    publishCommand(broken);

    const queued = await parkedInQueue(server, broken.id);
    const first = await list(server);
    const second = await list(server);

    expect(queued).toMatchObject({
      transport: 'rabbitmq',
      service: 'account',
      queue: dlq,
      messageType: broken.type,
      message: broken,
      error: expect.stringMatching(/payload\.amount/),
      attempts: 1,
      replayedAt: null,
    });
    for (const page of [first, second]) {
      expect(page.items.map((item) => item['id'])).toEqual(expect.arrayContaining([queued['id'], tableId]));
      expect(page.nextCursor).toBeNull();
    }
    expect(await depthOf(dlq)).toBe(1);
    expect((await list(server, '?transport=http')).items.map((item) => item['id'])).toEqual([tableId]);
    const shown = await server.inject({ method: 'GET', url: `${PATH}/rabbitmq/${String(queued['id'])}`, headers: admin });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual(queued);
    const unknown = await server.inject({ method: 'GET', url: `${PATH}/rabbitmq/${'0f'.repeat(16)}`, headers: admin });
    expect(unknown.statusCode).toBe(404);
    expect(await depthOf(dlq)).toBe(1);
    await handle.database.pool.query('delete from dead_letters where id = $1', [tableId]);
  });

  it('when a queued dead letter is replayed as it is, then it is republished, consumed and gone from the DLQ', async () => {
    const failing = new Set<string>();
    const server = await startAccount([failingForSomeOrders(failing)]);
    const command = aDebitCommand();
    failing.add((command.payload as DebitPayload).orderId);
    publishCommand(command);
    const queued = await parkedInQueue(server, command.id);
    failing.delete((command.payload as DebitPayload).orderId);

    const replayed = await server.inject({ method: 'POST', url: `${PATH}/rabbitmq/${String(queued['id'])}/replay`, headers: admin });

    expect(replayed.statusCode).toBe(200);
    expect(replayed.json()).toEqual({ deadLetterId: queued['id'], outcome: 'republished', messageId: command.id });
    await eventually(
      () => ledgerCountFor(handle, command.id),
      (count) => count === 1,
      30_000,
    );
    expect(await queuedIn(server)).toEqual([]);
  });

  it('when a queued dead letter is replayed repaired, then a refused repair is a 400 that moves nothing and a good one is consumed', async () => {
    const server = await startAccount();
    const broken = aDebitCommand({}, { amount: -5 });
    publishCommand(broken);
    const queued = await parkedInQueue(server, broken.id);
    const url = `${PATH}/rabbitmq/${String(queued['id'])}/replay`;
    const replayAs = (message: unknown) =>
      server.inject({
        method: 'POST',
        url,
        headers: { ...admin, 'content-type': 'application/json' },
        payload: JSON.stringify({ message }),
      });

    const refused = await replayAs({ ...repairedAmount(broken, 500), destination: 'order' });

    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'body.message', message: expect.stringMatching(/addressed to 'order'/) }],
    });
    expect((await queuedIn(server)).map((item) => item['id'])).toEqual([queued['id']]);
    expect(await ledgerCountFor(handle, broken.id)).toBe(0);

    const repaired = await replayAs(repairedAmount(broken, 500));

    expect(repaired.statusCode).toBe(200);
    expect(repaired.json()).toEqual({ deadLetterId: queued['id'], outcome: 'republished', messageId: broken.id });
    await eventually(
      () => ledgerCountFor(handle, broken.id),
      (count) => count === 1,
      30_000,
    );
    expect(await queuedIn(server)).toEqual([]);
    const unknown = await server.inject({ method: 'POST', url: `${PATH}/rabbitmq/${randomUUID()}/replay`, headers: admin });
    expect(unknown.statusCode).toBe(404);
  });
});
