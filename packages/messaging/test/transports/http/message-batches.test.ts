import { createMetrics } from '@ordering/platform';
import type { Envelope } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import { createMessageConsumer, encodeBatch, MESSAGE_BATCH_PATH, type MessageHandler, type Transport } from '../../../src/index.js';
import { aDebitCommand, someDebitCommands, type DebitPayload } from '../../builders.js';
import * as schema from '../../fixtures/schema.js';
import { useTestResources } from '../../support/test-resources.js';
import {
  eventually,
  ledgerHandler,
  silentLogger,
  statusCounts,
  testSignerOf,
  type TestDatabaseHandle,
  type TestTx,
} from '../../messaging-harness.js';

const { aDatabase, aReceiver, anHttpTransport, aRelay } = useTestResources();

/** Applies debits like the ledger handler, but throws for one order: a poison message in the middle of a batch. */
const poisonFor = (poisonOrderId: string): MessageHandler<TestTx, DebitPayload> => ({
  type: 'account.DebitAccount.v1',
  async handle(tx, envelope: Envelope<DebitPayload>) {
    if (envelope.payload.orderId === poisonOrderId) throw new Error('this message can never be applied');
    await tx.insert(schema.ledger).values({ messageId: envelope.id, orderId: envelope.payload.orderId, amount: envelope.payload.amount });
  },
});

/** A consumer whose transactions are counted: one per commit it asks for. */
const aCountingConsumer = (handle: TestDatabaseHandle, handlers: MessageHandler<TestTx>[]) => {
  const { db } = handle.database;
  const counts = { transactions: 0 };
  const consumer = createMessageConsumer<TestTx>({
    service: 'account',
    runInTransaction: (work) => {
      counts.transactions += 1;
      return db.transaction(work);
    },
    db,
    handlers,
    logger: silentLogger(),
    metrics: createMetrics('account'),
  });
  return { consumer, counts };
};

const signed = (envelope: Envelope<unknown>) => ({ raw: JSON.stringify(envelope), options: { sender: envelope.source } });

describe('message batches', () => {
  it('when a batch of valid messages is consumed, then all of them are applied in one transaction', async () => {
    const handle = await aDatabase();
    const { consumer, counts } = aCountingConsumer(handle, [ledgerHandler() as MessageHandler<TestTx>]);
    const commands = someDebitCommands(10);

    const results = await consumer.consumeBatch(commands.map(signed));

    expect(results.map((result) => result.outcome)).toEqual(commands.map(() => 'processed'));
    expect(counts.transactions).toBe(1);
    expect(await handle.count('select count(*) from ledger')).toBe(10);
    expect(await handle.count('select count(*) from inbox_messages')).toBe(10);
  });

  it('when one message of a batch fails in its handler, then the others are applied and only it is left to retry', async () => {
    const handle = await aDatabase();
    const poison = aDebitCommand();
    const { consumer } = aCountingConsumer(handle, [poisonFor((poison.payload as DebitPayload).orderId) as MessageHandler<TestTx>]);
    const healthy = someDebitCommands(4);
    const batch = [healthy[0], healthy[1], poison, healthy[2], healthy[3]] as Envelope<unknown>[];

    const results = await consumer.consumeBatch(batch.map(signed));

    expect(results.map((result) => result.outcome)).toEqual(['processed', 'processed', 'retry', 'processed', 'processed']);
    expect(await handle.count('select count(*) from ledger')).toBe(4);
    expect(await handle.count('select count(*) from inbox_messages where message_id = $1', [poison.id])).toBe(0);
    expect(await handle.count('select count(*) from message_attempts where message_id = $1 and attempts = 1', [poison.id])).toBe(1);
  });

  it('when a batch mixes garbage, a duplicate and new messages, then the garbage is dead-lettered, the duplicate ignored and the rest applied once', async () => {
    const handle = await aDatabase();
    const { consumer } = aCountingConsumer(handle, [ledgerHandler() as MessageHandler<TestTx>]);
    const [seen, fresh] = someDebitCommands(2) as [Envelope<unknown>, Envelope<unknown>];
    await consumer.consume(JSON.stringify(seen), { sender: 'orchestrator' });

    const results = await consumer.consumeBatch([
      signed(seen),
      { raw: '{"not": "an envelope"}', options: { sender: 'orchestrator' } },
      signed(fresh),
    ]);

    expect(results.map((result) => result.outcome)).toEqual(['duplicate', 'dead-lettered', 'processed']);
    expect(await handle.count('select count(*) from ledger')).toBe(2);
    expect(await handle.count('select count(*) from dead_letters')).toBe(1);
  });

  it('when a batch is pushed over HTTP with one unsigned message, then that one is refused unread and the signed ones are applied', async () => {
    const handle = await aDatabase();
    const receiver = await aReceiver(handle);
    const signer = testSignerOf();
    const [first, unsigned, last] = someDebitCommands(3) as [Envelope<unknown>, Envelope<unknown>, Envelope<unknown>];
    const message = (envelope: Envelope<unknown>, sign: boolean) => {
      const body = JSON.stringify(envelope);
      return { headers: sign ? signer.headersFor(body) : {}, body };
    };

    const response = await fetch(`${receiver.url}${MESSAGE_BATCH_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: encodeBatch([message(first, true), message(unsigned, false), message(last, true)]),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ outcomes: ['processed', 'unauthenticated', 'processed'] });
    expect(await handle.count('select count(*) from ledger')).toBe(2);
    expect(await handle.count('select count(*) from inbox_messages where message_id = $1', [unsigned.id])).toBe(0);
    expect(await handle.count('select count(*) from dead_letters')).toBe(0);
  });

  it('when a batch body is not a batch (garbage, empty, too long), then it is refused with 400 and nothing is consumed', async () => {
    const handle = await aDatabase();
    const receiver = await aReceiver(handle);
    const tooLong = encodeBatch(Array.from({ length: 65 }, () => ({ headers: {}, body: JSON.stringify(aDebitCommand()) })));

    for (const body of ['garbage', '{"messages": []}', '{"messages": [{"headers": {}, "body": 42}]}', tooLong]) {
      const response = await fetch(`${receiver.url}${MESSAGE_BATCH_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect(await handle.count('select count(*) from inbox_messages')).toBe(0);
    expect(await handle.count('select count(*) from dead_letters')).toBe(0);
  });

  it('when more rows wait for one destination than may be in flight to it, then they leave in batches and each is applied once', async () => {
    const handle = await aDatabase();
    const receiver = await aReceiver(handle);
    const http = anHttpTransport({ account: [receiver.url] });
    const calls = { single: 0, batches: 0, batched: 0 };
    const counting: Transport = {
      publish: (envelope) => {
        calls.single += 1;
        return http.publish(envelope);
      },
      publishBatch: (envelopes) => {
        calls.batches += 1;
        calls.batched += envelopes.length;
        return http.publishBatch?.(envelopes) ?? Promise.reject(new Error('the HTTP transport sends batches'));
      },
      close: async () => undefined,
    };
    await handle.enqueue(someDebitCommands(60));
    const relay = aRelay(handle.database.db, counting, { perDestination: 1, maxBatch: 20, pollIntervalMs: 50 });

    relay.start();
    await eventually(
      () => statusCounts(handle),
      (counts) => counts['SENT'] === 60,
    );

    expect(calls.single + calls.batched).toBe(60);
    expect(calls.batches).toBeGreaterThan(0);
    expect(calls.single + calls.batches).toBeLessThan(60);
    expect(await handle.count('select count(*) from ledger')).toBe(60);
    expect(await handle.count('select count(*) from inbox_messages')).toBe(60);
  });
});
