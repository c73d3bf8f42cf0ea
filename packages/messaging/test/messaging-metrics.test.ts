import { createMetrics, type ServiceMetrics } from '@ordering/platform';
import { describe, expect, it } from 'vitest';
import { createDeadLetterStore, registerDeadLetterMetrics, type OutboxRelay, type Transport } from '../src/index.js';
import { aDebitCommand } from './builders.js';
import {
  createTestConsumer,
  eventually,
  metricValue,
  recordingTransport,
  silentLogger,
  statusCounts,
  type TestDatabaseHandle,
} from './messaging-harness.js';
import { useTestResources } from './support/test-resources.js';

const { aDatabase, aRelay: aTestRelay } = useTestResources();

const aRelay = (handle: TestDatabaseHandle, transport: Transport, metrics: ServiceMetrics): OutboxRelay =>
  aTestRelay(handle.database.db, transport, { pollIntervalMs: 50, backoff: { baseMs: 20, maxMs: 100 }, maxAttempts: 2 }, { metrics });

const DEBIT = 'account.DebitAccount.v1';

describe('messages_redelivered_total', () => {
  it('when a message is consumed for the first time, then nothing is counted; when it arrives again, its type is counted once per delivery', async () => {
    const handle = await aDatabase();
    const metrics = createMetrics('account');
    const consumer = createTestConsumer(handle, { metrics });
    const command = aDebitCommand();

    expect((await consumer.consume(JSON.stringify(command))).outcome).toBe('processed');
    const afterFirst = await metricValue(metrics, 'messages_redelivered_total', { type: DEBIT });
    await consumer.consume(JSON.stringify(command));
    await consumer.consumeBatch([{ raw: JSON.stringify(command) }, { raw: JSON.stringify(aDebitCommand()) }]);

    expect(afterFirst).toBe(0);
    expect(await metricValue(metrics, 'messages_redelivered_total', { type: DEBIT })).toBe(2);
    expect(await metricValue(metrics, 'messages_redelivered_total')).toBe(2);
  });

  it('when the transport marks a delivery redelivered, then it is counted once, whether the inbox had seen it or not', async () => {
    const handle = await aDatabase();
    const metrics = createMetrics('account');
    const consumer = createTestConsumer(handle, { metrics });
    const command = aDebitCommand();

    const first = await consumer.consume(JSON.stringify(command), { redelivered: true });
    const again = await consumer.consume(JSON.stringify(command), { redelivered: true });

    expect([first.outcome, again.outcome]).toEqual(['processed', 'duplicate']);
    expect(await metricValue(metrics, 'messages_redelivered_total', { type: DEBIT })).toBe(2);
  });

  it('when a consumer starts, then each type it handles has a series at 0 and garbage counts under "unknown", never under its own text', async () => {
    const handle = await aDatabase();
    const metrics = createMetrics('account');
    const consumer = createTestConsumer(handle, { metrics });
    const text = await metrics.registry.metrics();
    expect(text).toContain(`messages_redelivered_total{type="${DEBIT}",service="account"} 0`);

    const bogus = JSON.stringify(aDebitCommand({ type: 'made.Up.v1' }));
    await consumer.consume(bogus, { redelivered: true });

    const labels = (await metrics.registry.getSingleMetric('messages_redelivered_total')!.get()).values.map(
      (value) => value.labels['type'],
    );
    expect(labels.sort()).toEqual([DEBIT, 'unknown']);
  });
});

describe('dead_letters over HTTP', () => {
  it('when a message is parked, then dead_letters counts it for the service (not for another one); once replayed it is no longer counted', async () => {
    const handle = await aDatabase();
    const metrics = createMetrics('account');
    registerDeadLetterMetrics({ db: handle.database.db, service: 'account', metrics, logger: silentLogger() });
    const consumer = createTestConsumer(handle, { metrics });
    const parked = () => metricValue(metrics, 'dead_letters', { queue: 'account', transport: 'http' });
    // Another service's dead letter in the same database is not this one's.
    expect((await createTestConsumer(handle, { service: 'order', metrics: createMetrics('order') }).consume('garbage')).outcome).toBe(
      'dead-lettered',
    );

    expect(await parked()).toBe(0);
    const result = await consumer.consume('{"not": "an envelope"}');
    await consumer.consume(JSON.stringify(aDebitCommand()));
    expect(result.outcome).toBe('dead-lettered');
    await eventually(parked, (count) => count === 1);

    await createDeadLetterStore(handle.database.db, 'account').markReplayed(result.deadLetterId ?? '');
    await eventually(parked, (count) => count === 0);
  });
});

describe('outbox_publish_lag_seconds', () => {
  it('when a row waited before the relay published it, then the lag from its insert is observed under its destination', async () => {
    const handle = await aDatabase();
    const metrics = createMetrics('orchestrator');
    const transport = recordingTransport();
    await handle.enqueue([aDebitCommand()]);
    // As if the sender had crashed half a minute ago, right after its commit.
    await handle.database.pool.query(`update outbox_messages set created_at = now() - interval '30 seconds'`);

    aRelay(handle, transport, metrics).start();
    await eventually(
      () => statusCounts(handle),
      (counts) => counts['SENT'] === 1,
    );

    expect(await metricValue(metrics, 'outbox_publish_lag_seconds', { destination: 'account' }, 'count')).toBe(1);
    const lag = await metricValue(metrics, 'outbox_publish_lag_seconds', { destination: 'account' }, 'sum');
    expect(lag).toBeGreaterThanOrEqual(30);
    expect(lag).toBeLessThan(300);
  });

  it('when a publish fails until the row is DEAD, then no lag is observed', async () => {
    const handle = await aDatabase();
    const metrics = createMetrics('orchestrator');
    await handle.enqueue([aDebitCommand()]);

    aRelay(handle, recordingTransport({ fail: () => true }), metrics).start();
    await eventually(
      () => statusCounts(handle),
      (counts) => counts['DEAD'] === 1,
    );

    expect(await metricValue(metrics, 'outbox_publish_lag_seconds', {}, 'count')).toBe(0);
    expect(await metrics.registry.metrics()).toContain('# TYPE outbox_publish_lag_seconds histogram');
  });
});
