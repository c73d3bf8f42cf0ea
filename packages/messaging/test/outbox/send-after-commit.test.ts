import { createMetrics } from '@ordering/platform';
import { testMessageSecurity } from '@ordering/testing';
import type { Envelope } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import { createMessaging, enqueueMessages, type Messaging, type OutboxRelayOptions, type Transport } from '../../src/index.js';
import { aDebitCommand, someDebitCommands } from '../builders.js';
import { useTestResources } from '../support/test-resources.js';
import {
  countingDatabase,
  countingTransport,
  eventually,
  recordingTransport,
  silentLogger,
  statusCounts,
  type TestDatabaseHandle,
  type TestTx,
} from '../messaging-harness.js';

const { track, aDatabase, aReplicaPool, aReceiver, anHttpTransport, aRelay } = useTestResources();

/** The orchestrator's messaging as its main.ts wires it, over a given transport; the sweep is slow unless a test says otherwise. */
const aSender = (
  handle: TestDatabaseHandle,
  transport: Transport,
  relay: OutboxRelayOptions = { pollIntervalMs: 60_000 },
): Messaging<TestTx> => {
  const messaging = createMessaging({
    service: 'orchestrator',
    database: handle.database,
    peers: {},
    handlers: [],
    logger: silentLogger(),
    metrics: createMetrics('orchestrator'),
    security: testMessageSecurity('orchestrator'),
    transport,
    relay,
  });
  messaging.start();
  return track(messaging, (m) => m.stop());
};

/** A second orchestrator replica's relay on its own pool: the one left to deliver what a dead sender committed. */
const aReplicaRelay = (handle: TestDatabaseHandle, transport: Transport, options: OutboxRelayOptions) => {
  const db = countingDatabase(aReplicaPool(handle, 3).db);
  const relay = aRelay(db, transport, options);
  return { relay, db };
};

const enqueueIn = (messaging: Messaging<TestTx>, envelopes: Envelope[]): Promise<void> =>
  messaging.transaction((tx) => enqueueMessages(tx, envelopes));

const sentCount = (handle: TestDatabaseHandle, count: number) =>
  eventually(
    () => statusCounts(handle),
    (counts) => counts['SENT'] === count,
  );

/** A transport whose publishes never complete: what a sender looks like from outside when it died right after commit. */
const frozenTransport = (): Transport & { started: number } => {
  const frozen = {
    started: 0,
    publish: () => {
      frozen.started += 1;
      return new Promise<void>(() => undefined);
    },
    close: async () => undefined,
  };
  return frozen;
};

describe('sending right after commit', () => {
  it('when messaging.transaction commits messages, then they are published at once, without waiting for a sweep, and marked SENT', async () => {
    const handle = await aDatabase();
    const transport = recordingTransport();
    const messaging = aSender(handle, transport);
    const commands = someDebitCommands(3);

    await enqueueIn(messaging, commands);

    // The sweep polls once a minute: only the send after commit can have published them this soon.
    await sentCount(handle, 3);
    expect(transport.delivered.map((envelope) => envelope.id).sort()).toEqual(commands.map((command) => command.id).sort());
  });

  it('when the transaction rolls back, then nothing is published and no row exists', async () => {
    const handle = await aDatabase();
    const transport = recordingTransport();
    const messaging = aSender(handle, transport, { pollIntervalMs: 20 });

    await expect(
      messaging.transaction(async (tx) => {
        await enqueueMessages(tx, [aDebitCommand()]);
        throw new Error('the use case failed after enqueueing');
      }),
    ).rejects.toThrow('the use case failed after enqueueing');
    await messaging.stop();

    expect(transport.delivered).toEqual([]);
    expect(await handle.count('select count(*) from outbox_messages')).toBe(0);
  });

  it('when a savepoint enqueues a message and rolls back, then it is never sent; when one commits, then the relay sends its message', async () => {
    const handle = await aDatabase();
    const transport = recordingTransport();
    const messaging = aSender(handle, transport, { pollIntervalMs: 20 });
    const [kept, discarded] = someDebitCommands(2) as [Envelope, Envelope];

    await messaging.transaction(async (tx) => {
      await tx.transaction((savepoint) => enqueueMessages(savepoint, [kept]));
      await tx
        .transaction(async (savepoint) => {
          await enqueueMessages(savepoint, [discarded]);
          throw new Error('roll this savepoint back');
        })
        .catch(() => undefined);
    });

    await sentCount(handle, 1);
    await messaging.stop();
    expect(transport.delivered.map((envelope) => envelope.id)).toEqual([kept.id]);
  });

  it('when the sender never completes its send (it died after commit), then another replica delivers the row once its lease ends, exactly once', async () => {
    const handle = await aDatabase();
    const receiver = await aReceiver(handle);
    const frozen = frozenTransport();
    const sender = aSender(handle, frozen, { pollIntervalMs: 60_000, leaseMs: 1_000, flushTimeoutMs: 200 });
    const command = aDebitCommand();

    await enqueueIn(sender, [command]);
    await eventually(
      async () => frozen.started,
      (started) => started === 1,
    );
    const replica = aReplicaRelay(handle, anHttpTransport({ account: [receiver.url] }), {
      pollIntervalMs: 50,
      leaseMs: 1_000,
    });
    replica.relay.start();

    await sentCount(handle, 1);
    expect(await handle.count('select count(*) from ledger where message_id = $1', [command.id])).toBe(1);
    // The replica polled while the lease was running and left the row alone until it ended.
    expect(replica.db.claims).toBeGreaterThan(1);
  });

  it('when the send after commit and the relay both deliver a message, then the receiving inbox absorbs the duplicate and the effect happens once', async () => {
    const handle = await aDatabase();
    const outcomes: string[] = [];
    const receiver = await aReceiver(handle);
    const http = anHttpTransport({ account: [receiver.url] });
    let releaseSlowSend: () => void = () => undefined;
    const slowSendMayGo = new Promise<void>((resolve) => (releaseSlowSend = resolve));
    // The sender's own send stalls past its lease (a long GC pause, an overloaded host), then goes through.
    const stalling: Transport = {
      async publish(envelope) {
        await slowSendMayGo;
        await http.publish(envelope);
        outcomes.push('sender');
      },
      close: async () => undefined,
    };
    const sender = aSender(handle, stalling, { pollIntervalMs: 60_000, leaseMs: 300 });
    const replicaTransport = countingTransport(http);
    const replica = aReplicaRelay(handle, replicaTransport, { pollIntervalMs: 50, leaseMs: 300 });
    const command = aDebitCommand();

    await enqueueIn(sender, [command]);
    replica.relay.start();
    await eventually(
      async () => replicaTransport.calls,
      (calls) => calls >= 1,
    );
    await replica.relay.stop();
    releaseSlowSend();
    await eventually(
      async () => outcomes,
      (done) => done.includes('sender'),
    );

    expect(await handle.count('select count(*) from ledger where message_id = $1', [command.id])).toBe(1);
    expect(await handle.count('select count(*) from inbox_messages where message_id = $1', [command.id])).toBe(1);
    await sentCount(handle, 1);
  });

  it('when many sends complete together, then their rows are marked SENT in a few statements, not one per row', async () => {
    const handle = await aDatabase();
    let updates = 0;
    const db = handle.database.db;
    const countingUpdates = new Proxy(db, {
      get(target, property) {
        if (property === 'update') {
          return (...args: Parameters<typeof db.update>) => {
            updates += 1;
            return target.update(...args);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const delivered: string[] = [];
    const gated: Transport = {
      async publish(envelope) {
        await gate;
        delivered.push(envelope.id);
      },
      close: async () => undefined,
    };
    const messaging = track(
      createMessaging({
        service: 'orchestrator',
        database: { db: countingUpdates },
        peers: {},
        handlers: [],
        logger: silentLogger(),
        metrics: createMetrics('orchestrator'),
        security: testMessageSecurity('orchestrator'),
        transport: gated,
        relay: { pollIntervalMs: 60_000 },
      }),
      (m) => m.stop(),
    );
    messaging.start();
    await Promise.all(someDebitCommands(50).map((command) => enqueueIn(messaging, [command])));

    open();
    await sentCount(handle, 50);

    expect(delivered).toHaveLength(50);
    expect(updates).toBeLessThanOrEqual(3);
  });
});
