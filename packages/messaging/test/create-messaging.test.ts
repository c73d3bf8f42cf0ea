import type { AddressInfo } from 'node:net';
import { MessageTypes, type Envelope } from '@ordering/contracts';
import { createHttpServer, createMetrics, type HttpServer } from '@ordering/platform';
import { findFreePort, TEST_OPERATOR_TOKEN, testMessageSecurity } from '@ordering/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMessaging,
  createReply,
  enqueueMessages,
  operatorAuthorization,
  type MessageHandler,
  type Messaging,
  type MessageSecurity,
} from '../src/index.js';
import { aDebitCommand, type DebitPayload } from './builders.js';
import * as schema from './fixtures/schema.js';
import {
  capturingLogger,
  eventually,
  testSignerOf,
  silentLogger,
  startTestDatabase,
  type TestDatabaseHandle,
  type TestTx,
} from './messaging-harness.js';

interface RunningNode {
  handle: TestDatabaseHandle;
  messaging: Messaging;
  app: HttpServer;
}

const nodes: RunningNode[] = [];
/**
 * One service as its main.ts would wire it: database, messaging bundle (its own key, its peers' public keys, the operator token), routes,
 * relay, listen.
 */
const startNode = async (
  service: string,
  port: number,
  peers: Record<string, string[]>,
  handlers: MessageHandler<TestTx>[],
): Promise<RunningNode> => {
  const handle = await startTestDatabase();
  const logger = silentLogger();
  const metrics = createMetrics(service);
  const messaging = createMessaging({
    service,
    database: handle.database,
    peers,
    handlers,
    logger,
    metrics,
    security: testMessageSecurity(service),
    relay: { pollIntervalMs: 50 },
  });
  const app = await createHttpServer({ service, logger, metrics, readiness: [] });
  messaging.registerRoutes(app);
  await app.listen({ host: '127.0.0.1', port });
  messaging.start();
  const node = { handle, messaging, app };
  nodes.push(node);
  return node;
};

let orchestrator: RunningNode;
let account: RunningNode;

beforeAll(async () => {
  const [orchestratorPort, accountPort] = [await findFreePort(), await findFreePort()];
  const peers = { orchestrator: [`http://127.0.0.1:${orchestratorPort}`], account: [`http://127.0.0.1:${accountPort}`] };
  account = await startNode('account', accountPort, peers, [
    {
      type: MessageTypes.DebitAccount,
      async handle(tx: TestTx, command: Envelope<DebitPayload>) {
        await tx.insert(schema.ledger).values({ messageId: command.id, orderId: command.payload.orderId, amount: command.payload.amount });
        const reply = createReply(command, {
          type: MessageTypes.DebitAccountReply,
          source: 'account',
          payload: { orderId: command.payload.orderId, outcome: 'SUCCEEDED', amount: command.payload.amount, balanceAfter: 0 },
        });
        await enqueueMessages(tx, [reply]);
      },
    },
  ]);
  orchestrator = await startNode('orchestrator', orchestratorPort, peers, [
    {
      type: MessageTypes.DebitAccountReply,
      async handle(tx: TestTx, reply: Envelope<{ orderId: string; amount: number }>) {
        await tx.insert(schema.ledger).values({ messageId: reply.id, orderId: reply.payload.orderId, amount: reply.payload.amount });
      },
    },
  ]);
});

afterAll(async () => {
  for (const node of nodes) {
    await node.app.close();
    await node.messaging.stop();
    await node.handle.close();
  }
});

describe('createMessaging', () => {
  it('when a service enqueues a command, then the peer applies it once and its reply comes back through the peer outbox', async () => {
    const command = aDebitCommand();
    const orderId = (command.payload as DebitPayload).orderId;

    await enqueueMessages(orchestrator.handle.database.db, [command]);
    orchestrator.messaging.wake();

    await eventually(
      () => orchestrator.handle.count('select count(*) from ledger where order_id = $1', [orderId]),
      (count) => count === 1,
    );
    expect(await account.handle.count('select count(*) from ledger where order_id = $1', [orderId])).toBe(1);
    const reply = await orchestrator.handle.database.pool.query('select message_type from inbox_messages');
    expect(reply.rows).toEqual([{ message_type: MessageTypes.DebitAccountReply }]);
    // The account relay marks its reply SENT (and counts it) only after the orchestrator answered: the next test reads both.
    await eventually(
      () => account.handle.count("select count(*) from outbox_messages where status <> 'SENT'"),
      (count) => count === 0,
    );
  });

  it('when the services are scraped, then both expose the messaging metrics', async () => {
    const text = (await account.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/messages_consumed_total\{type="account\.DebitAccount\.v1",outcome="processed",service="account"\} 1/);
    expect(text).toMatch(/messages_published_total\{type="account\.DebitAccountReply\.v1",service="account"\} 1/);
    expect(text).toContain('outbox_pending{service="account"} 0');
    // The reply left right after its handler's commit: its lag is measured from memory, with no query.
    expect(text).toMatch(/outbox_publish_lag_seconds_count\{service="account",destination="orchestrator"\} 1/);
    expect(text).toContain('dead_letters{queue="account",transport="http",service="account"} 0');
    expect(text).toContain('messages_redelivered_total{type="account.DebitAccount.v1",service="account"} 0');
  });

  it('when a node is pushed an unsigned message, then it answers 401, its operator routes want the operator token, and the signed push is accepted', async () => {
    const base = `http://127.0.0.1:${(account.app.server.address() as AddressInfo).port}`;
    const body = JSON.stringify(aDebitCommand());

    const refused = await fetch(`${base}/internal/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const listing = await fetch(`${base}/internal/dead-letters`);
    const operator = await fetch(`${base}/internal/dead-letters`, {
      headers: { authorization: operatorAuthorization(TEST_OPERATOR_TOKEN) },
    });
    const accepted = await fetch(`${base}/internal/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...testSignerOf().headersFor(body) },
      body,
    });

    expect([refused.status, listing.status, operator.status, accepted.status]).toEqual([401, 401, 200, 200]);
  });

  it('when development mode is on, then createMessaging warns once naming every gap, and not when it is off', async () => {
    // Created, never started: nothing is sent or consumed, only the start-up warning matters.
    const warnings = async (security: MessageSecurity) => {
      const { logger, lines } = capturingLogger();
      const messaging = createMessaging({
        service: 'account',
        database: account.handle.database,
        peers: {},
        handlers: [],
        logger,
        metrics: createMetrics('account'),
        security,
      });
      await messaging.transport.close();
      return lines.filter((line) => line['level'] === 'warn');
    };
    const development: MessageSecurity = {
      signingKey: undefined,
      publicKeys: new Map(),
      operatorToken: undefined,
      unsafeDevelopmentMode: true,
    };

    const open = await warnings(development);
    expect(open).toHaveLength(1);
    expect(open[0]?.['msg']).toMatch(/UNSAFE_DEVELOPMENT_MODE.*unsigned.*operator routes are open/);
    expect(await warnings(testMessageSecurity('account'))).toEqual([]);
  });

  it('when a broker is configured, then POST /internal/messages does not exist (404) and nothing is consumed', async () => {
    const { logger } = capturingLogger();
    // Never started: the broker is never dialled, only the routes matter.
    const messaging = createMessaging({
      service: 'account',
      database: account.handle.database,
      peers: {},
      brokerUrl: 'amqp://guest:guest@127.0.0.1:1',
      handlers: [],
      logger,
      metrics: createMetrics('account'),
      security: testMessageSecurity('account'),
    });
    const app = await createHttpServer({ service: 'account', logger, metrics: createMetrics('account'), readiness: [] });
    messaging.registerRoutes(app);
    const command = aDebitCommand();
    const body = JSON.stringify(command);

    try {
      const pushed = await app.inject({
        method: 'POST',
        url: '/internal/messages',
        headers: { 'content-type': 'application/json', ...testSignerOf().headersFor(body) },
        payload: body,
      });
      const listing = await app.inject({
        method: 'GET',
        url: '/internal/dead-letters',
        headers: { authorization: operatorAuthorization(TEST_OPERATOR_TOKEN) },
      });

      expect(pushed.statusCode).toBe(404);
      expect(listing.statusCode).toBe(200);
      expect(await account.handle.count('select count(*) from inbox_messages where message_id = $1', [command.id])).toBe(0);
    } finally {
      await app.close();
      await messaging.stop();
    }
  });
});
