import { setTimeout as sleep } from 'node:timers/promises';
import { connectDatabase } from '@ordering/platform';
import { findFreePort } from '@ordering/testing';
import { describe, expect, it } from 'vitest';
import { createMessageVerifier, type OutboxRelayOptions, type Transport } from '../../src/index.js';
import type { Envelope } from '@ordering/contracts';
import { aDebitCommand, someDebitCommands } from '../builders.js';
import * as schema from '../fixtures/schema.js';
import { testRelay } from '../support/test-relay.js';
import { useTestResources } from '../support/test-resources.js';
import {
  capturingLogger,
  countingDatabase,
  countingTransport,
  eventually,
  ledgerHandler,
  outboxRowsOf,
  recordingTransport,
  startService,
  statusCounts,
  type TestDatabaseHandle,
} from '../messaging-harness.js';

const { track, aDatabase, aReplicaPool, aReceiver, anHttpTransport, aRelay } = useTestResources();
const aTransport = (url: string): Transport => anHttpTransport({ account: [url] }, { timeoutMs: 2_000 });

/** Holds every publish through the gated transports until each of `parties` has tried one. */
const barrierOf = (parties: number) => {
  const arrived = new Set<string>();
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    gate: (name: string, transport: Transport): Transport => ({
      ...transport,
      async publish(envelope) {
        arrived.add(name);
        if (arrived.size === parties) open();
        await opened;
        return transport.publish(envelope);
      },
    }),
  };
};

const FAST: OutboxRelayOptions = { pollIntervalMs: 50, backoff: { baseMs: 20, maxMs: 100 } };

const allSent = (handle: TestDatabaseHandle, count: number) =>
  eventually(
    () => statusCounts(handle),
    (counts) => counts['SENT'] === count,
  );

describe('outbox relay', () => {
  it('when the relay publishes a row a second time (crash after publish, before mark-sent), then the effect is applied once', async () => {
    const handle = await aDatabase();
    const receiver = await aReceiver(handle);
    const transport = countingTransport(aTransport(receiver.url));
    const relay = aRelay(handle.database.db, transport, FAST);
    const command = aDebitCommand();
    await handle.enqueue([command]);

    relay.start();
    relay.wake();
    await allSent(handle, 1);
    await handle.database.pool.query(`update outbox_messages set status = 'PENDING', sent_at = null, next_attempt_at = now()`);
    relay.wake();
    await allSent(handle, 1);

    expect(transport.calls).toBe(2);
    expect(await handle.count('select count(*) from ledger where message_id = $1', [command.id])).toBe(1);
    expect(await handle.count('select count(*) from inbox_messages where message_id = $1', [command.id])).toBe(1);
  });

  it('when two relays share one outbox (replicas), then every row is published exactly once', async () => {
    const handle = await aDatabase();
    const secondPool = aReplicaPool(handle, 5);
    const first = recordingTransport({ delayMs: 2 });
    const second = recordingTransport({ delayMs: 2 });
    // A relay holds at most 24 rows (4 in flight, 20 queued) and publishes none until both hold some: on a loaded
    // machine the replica that connects first can no longer drain the table before the other claims (stop 18's CI).
    const bothPublishing = barrierOf(2);
    const options = { ...FAST, batchSize: 20, concurrency: 4, maxQueued: 20 };
    await handle.enqueue(someDebitCommands(300));

    aRelay(handle.database.db, bothPublishing.gate('first', first), options).start();
    aRelay(secondPool.db, bothPublishing.gate('second', second), options).start();
    await allSent(handle, 300);

    const delivered = [...first.delivered, ...second.delivered].map((envelope) => envelope.id);
    expect(delivered).toHaveLength(300);
    expect(new Set(delivered).size).toBe(300);
    // Both replicas took part: the rows were shared, not published by one while the other waited.
    expect(first.delivered.length).toBeGreaterThan(0);
    expect(second.delivered.length).toBeGreaterThan(0);
  });

  it('when the receiver is down, then rows stay PENDING with growing attempts and backoff, and are all delivered once it is back', async () => {
    const handle = await aDatabase();
    const port = await findFreePort();
    const transport = countingTransport(aTransport(`http://127.0.0.1:${port}`));
    const relay = aRelay(handle.database.db, transport, { pollIntervalMs: 20, backoff: { baseMs: 100, maxMs: 400 }, maxAttempts: 1_000 });
    const commands = someDebitCommands(5);
    await handle.enqueue(commands);

    relay.start();
    const early = await eventually(
      () => outboxRowsOf(handle),
      (rows) => rows.every((row) => row.attempts >= 2),
    );
    const later = await eventually(
      () => outboxRowsOf(handle),
      (rows) => rows.every((row, i) => row.attempts >= (early[i]?.attempts ?? 0) + 2),
    );
    const callsBefore = transport.calls;
    const windowStart = Date.now();
    await sleep(1_000);
    const callsInWindow = transport.calls - callsBefore;
    const windowMs = Date.now() - windowStart;

    expect(later.every((row) => row.status === 'PENDING')).toBe(true);
    expect(later.every((row, i) => row.nextAttemptAt.getTime() > (early[i]?.nextAttemptAt.getTime() ?? Infinity))).toBe(true);
    expect(later[0]?.lastError).toMatch(/ECONNREFUSED/);
    // The backoff floor is 100 ms: no row is tried more often than that (a hot loop would make thousands of calls).
    expect(callsInWindow).toBeLessThanOrEqual(5 * (Math.floor(windowMs / 100) + 1));

    await aReceiver(handle, { port });
    await allSent(handle, 5);
    expect(await handle.count('select count(*) from ledger')).toBe(5);
  }, 90_000); // three 15 s waits of its own

  it('when a row fails maxAttempts times, then it is DEAD, listed by /internal/outbox/dead, and a retry delivers it', async () => {
    const handle = await aDatabase();
    const port = await findFreePort();
    const relay = aRelay(handle.database.db, aTransport(`http://127.0.0.1:${port}`), { ...FAST, maxAttempts: 3 });
    const sender = track(await startService(handle, { service: 'orchestrator', handlers: [], relay }), (s) => s.close());
    const command = aDebitCommand();
    await handle.enqueue([command]);

    relay.start();
    await eventually(
      () => statusCounts(handle),
      (counts) => counts['DEAD'] === 1,
    );
    const dead = await sender.app.inject({ method: 'GET', url: '/internal/outbox/dead' });
    expect(dead.statusCode).toBe(200);
    const [row] = dead.json().items;
    expect(row).toMatchObject({ messageId: command.id, messageType: command.type, destination: 'account', attempts: 3, envelope: command });
    expect(row.lastError).toMatch(/ECONNREFUSED/);

    await aReceiver(handle, { port });
    const retried = await sender.app.inject({ method: 'POST', url: `/internal/outbox/${row.id}/retry` });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toEqual({ id: row.id, status: 'PENDING' });
    await allSent(handle, 1);
    expect(await handle.count('select count(*) from ledger where message_id = $1', [command.id])).toBe(1);
    expect((await sender.app.inject({ method: 'POST', url: `/internal/outbox/${row.id}/retry` })).statusCode).toBe(404);
  });

  it("when the receiver refuses the signature (401: it does not know the sender's key yet), then the row stays PENDING past maxAttempts, an error is logged, and it goes out once the key is configured", async () => {
    const handle = await aDatabase();
    const port = await findFreePort();
    const refusing = await startService(handle, {
      service: 'account',
      handlers: [ledgerHandler()],
      port,
      intake: createMessageVerifier({ publicKeys: new Map() }),
    });
    const transport = countingTransport(anHttpTransport({ account: [`http://127.0.0.1:${port}`] }));
    const { logger, lines } = capturingLogger();
    const aRelayLogging = () => aRelay(handle.database.db, transport, { ...FAST, maxAttempts: 3 }, { logger });
    const relay = aRelayLogging();
    const command = aDebitCommand();
    await handle.enqueue([command]);

    relay.start();
    await eventually(
      async () => transport.calls,
      (calls) => calls >= 6,
    );
    // The operator's fix: the receiver restarted with the sender's public key (stopped first, so no try meets a closed port).
    await relay.stop();
    const [row] = await outboxRowsOf(handle);
    await refusing.close();

    expect(row).toMatchObject({ status: 'PENDING', attempts: 2 });
    expect(row?.lastError).toMatch(/HTTP 401/);
    expect(await handle.count('select count(*) from inbox_messages where message_id = $1', [command.id])).toBe(0);
    const refusals = lines.filter((line) => /a peer refused/.test(String(line['msg'])));
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((line) => line['level'] === 'error')).toBe(true);
    expect(refusals[0]).toMatchObject({ destination: 'account' });

    await aReceiver(handle, { port });
    aRelayLogging().start();
    await allSent(handle, 1);
    expect(await handle.count('select count(*) from ledger where message_id = $1', [command.id])).toBe(1);
  });

  it('when the destination has no configured peer, then the row is retried and finally DEAD with a clear error', async () => {
    const handle = await aDatabase();
    const transport = anHttpTransport({ order: ['http://127.0.0.1:1'] });
    const relay = aRelay(handle.database.db, transport, { ...FAST, maxAttempts: 2 });
    await handle.enqueue([aDebitCommand()]);

    relay.start();
    const [row] = await eventually(
      () => outboxRowsOf(handle),
      (rows) => rows[0]?.status === 'DEAD',
    );

    expect(row?.attempts).toBe(2);
    expect(row?.lastError).toMatch(/No peer URL is configured for destination 'account'/);
  });

  it('when a batch waits for a slow publish, then a row committed meanwhile is published without waiting for that batch', async () => {
    const handle = await aDatabase();
    const [slow, next] = someDebitCommands(2) as [Envelope, Envelope];
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const delivered: string[] = [];
    let slowStarted = false;
    // Holds the first message until the test releases it: its batch (and that pass's transaction) stays open.
    const transport: Transport = {
      async publish(envelope) {
        if (envelope.id === slow.id) {
          slowStarted = true;
          await released;
        }
        delivered.push(envelope.id);
      },
      async close() {},
    };
    const relay = aRelay(handle.database.db, transport, { pollIntervalMs: 60_000 });
    await handle.enqueue([slow]);
    relay.start();
    relay.wake();
    await eventually(
      async () => slowStarted,
      (started) => started,
    );

    await handle.enqueue([next]);
    relay.wake();

    try {
      await eventually(
        async () => delivered,
        (ids) => ids.includes(next.id),
        5_000,
      );
      expect(delivered).toEqual([next.id]);
    } finally {
      release();
    }
    await allSent(handle, 2);
  });

  it('when stop() is called, then rows enqueued just before are flushed first', async () => {
    const handle = await aDatabase();
    const transport = recordingTransport();
    const relay = aRelay(handle.database.db, transport, { pollIntervalMs: 60_000 });
    relay.start();
    await sleep(100);
    await handle.enqueue(someDebitCommands(3));

    await relay.stop();

    expect(transport.delivered).toHaveLength(3);
    expect(await statusCounts(handle)).toEqual({ SENT: 3 });
  });

  it('when the database is unreachable, then the relay backs off, logs rate-limited, and stops cleanly', async () => {
    const port = await findFreePort();
    const { logger, lines } = capturingLogger('warn');
    const unreachable = track(
      connectDatabase({
        url: `postgres://postgres@127.0.0.1:${port}/nowhere`,
        schema,
        logger,
        maxConnections: 2,
        applicationName: 'unreachable',
      }),
      (d) => d.close(),
    );
    const db = countingDatabase(unreachable.db);
    const relay = testRelay(db, recordingTransport(), { pollIntervalMs: 10 }, { logger });

    const started = Date.now();
    relay.start();
    for (let i = 0; i < 50; i += 1) {
      relay.wake();
      await sleep(20);
    }
    await relay.stop();
    const elapsedMs = Date.now() - started;

    // The database backoff starts at 200 ms and wakes do not cut it short: a hot loop would make hundreds of attempts.
    expect(db.claims).toBeGreaterThanOrEqual(2);
    expect(db.claims).toBeLessThanOrEqual(1 + Math.floor(elapsedMs / 200));
    expect(
      lines.filter((line) => line['msg'] === 'outbox relay pass failed, backing off' && line['databaseUnreachable'] === true),
    ).toHaveLength(1);
  });
});
