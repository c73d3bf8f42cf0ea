import { MessageTypes, type Envelope } from '@ordering/contracts';
import { createHttpServer, createMetrics, type HttpServer } from '@ordering/platform';
import { findFreePort } from '@ordering/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessaging, createReply, enqueueMessages, type MessageHandler, type Messaging } from '../src/index.js';
import { aDebitCommand, type DebitPayload } from './builders.js';
import * as schema from './fixtures/schema.js';
import { eventually, silentLogger, startTestDatabase, type TestDatabaseHandle, type TestTx } from './messaging-harness.js';

interface RunningNode {
  handle: TestDatabaseHandle;
  messaging: Messaging;
  app: HttpServer;
}

const nodes: RunningNode[] = [];

/** One service as its main.ts would wire it: database, messaging bundle, routes, relay, listen. */
const startNode = async (
  service: string,
  port: number,
  peers: Record<string, string[]>,
  handlers: MessageHandler<TestTx>[],
): Promise<RunningNode> => {
  const handle = await startTestDatabase();
  const logger = silentLogger();
  const metrics = createMetrics(service);
  const messaging = createMessaging({ service, database: handle.database, peers, handlers, logger, metrics, relay: { pollIntervalMs: 50 } });
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
  });

  it('when the services are scraped, then both expose the messaging metrics', async () => {
    const text = (await account.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/messages_consumed_total\{type="account\.DebitAccount\.v1",outcome="processed",service="account"\} 1/);
    expect(text).toMatch(/messages_published_total\{type="account\.DebitAccountReply\.v1",service="account"\} 1/);
    expect(text).toContain('outbox_pending{service="account"} 0');
  });
});
