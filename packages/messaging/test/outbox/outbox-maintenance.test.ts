import { randomUUID } from 'node:crypto';
import { connectDatabase, createMetrics } from '@ordering/platform';
import { findFreePort } from '@ordering/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanupExpiredMessages, createOutboxRelay } from '../../src/index.js';
import { someDebitCommands } from '../builders.js';
import * as schema from '../fixtures/schema.js';
import {
  eventually,
  recordingTransport,
  silentLogger,
  startTestDatabase,
  statusCounts,
  type TestDatabaseHandle,
} from '../messaging-harness.js';

let handle: TestDatabaseHandle;

beforeAll(async () => {
  handle = await startTestDatabase();
});

afterAll(async () => {
  await handle?.close();
});

beforeEach(async () => {
  await handle.database.pool.query('truncate outbox_messages, inbox_messages, message_attempts');
});

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

/** Rows in a given state and age, written directly so each test controls the clock. */
const insertOutboxRows = async (count: number, status: 'PENDING' | 'SENT' | 'DEAD', age: string): Promise<void> => {
  const envelopes = someDebitCommands(count);
  for (const envelope of envelopes) {
    await handle.database.pool.query(
      `insert into outbox_messages (message_id, message_type, destination, envelope, status, created_at, sent_at)
       values ($1, $2, $3, $4, $5, now() - $6::interval, case when $5 = 'SENT' then now() - $6::interval end)`,
      [envelope.id, envelope.type, envelope.destination, JSON.stringify(envelope), status, age],
    );
  }
};

const insertInboxRows = async (count: number, age: string): Promise<void> => {
  for (let i = 0; i < count; i += 1) {
    await handle.database.pool.query(
      `insert into inbox_messages (consumer, message_id, message_type, received_at) values ('account', $1, 'x', now() - $2::interval)`,
      [randomUUID(), age],
    );
    await handle.database.pool.query(
      `insert into message_attempts (consumer, message_id, attempts, last_error, updated_at) values ('account', $1, 1, 'e', now() - $2::interval)`,
      [randomUUID(), age],
    );
  }
};

describe('outbox maintenance', () => {
  it('when cleanup runs, then only SENT rows past retention and inbox records past a week are deleted, in batches', async () => {
    await insertOutboxRows(25, 'SENT', '2 hours');
    await insertOutboxRows(3, 'SENT', '10 minutes');
    await insertOutboxRows(2, 'PENDING', '2 hours');
    await insertOutboxRows(2, 'DEAD', '2 hours');
    await insertInboxRows(12, '8 days');
    await insertInboxRows(2, '1 day');

    const removed = await cleanupExpiredMessages(handle.database.db, {
      outboxRetentionMs: HOUR_MS,
      inboxRetentionMs: WEEK_MS,
      batchSize: 10,
    });

    expect(removed).toEqual({ outbox: 25, inbox: 12, attempts: 12 });
    expect(await statusCounts(handle)).toEqual({ SENT: 3, PENDING: 2, DEAD: 2 });
    expect(await handle.count('select count(*) from inbox_messages')).toBe(2);
    expect(await handle.count('select count(*) from message_attempts')).toBe(2);
  });

  it('when the relay runs, then its periodic cleanup removes expired SENT rows', async () => {
    await insertOutboxRows(4, 'SENT', '2 hours');
    await insertOutboxRows(1, 'SENT', '1 minute');
    const relay = createOutboxRelay({
      db: handle.database.db,
      transport: recordingTransport(),
      logger: silentLogger(),
      metrics: createMetrics('orchestrator'),
      service: 'orchestrator',
      options: { cleanupIntervalMs: 20 },
    });

    relay.start();
    try {
      await eventually(
        () => statusCounts(handle),
        (counts) => counts['SENT'] === 1,
      );
    } finally {
      await relay.stop();
    }
  });

  it('when metrics are scraped, then the outbox gauges report pending count, oldest pending age and dead rows', async () => {
    await insertOutboxRows(3, 'PENDING', '90 seconds');
    await insertOutboxRows(1, 'PENDING', '1 second');
    await insertOutboxRows(2, 'DEAD', '1 hour');
    await insertOutboxRows(5, 'SENT', '3 hours');
    const metrics = createMetrics('orchestrator');
    createOutboxRelay({
      db: handle.database.db,
      transport: recordingTransport(),
      logger: silentLogger(),
      metrics,
      service: 'orchestrator',
    });

    const scraped = await metrics.registry.getMetricsAsJSON();
    const value = (name: string) => scraped.find((metric) => metric.name === name)?.values[0]?.value;

    expect(value('outbox_pending')).toBe(4);
    expect(value('outbox_dead')).toBe(2);
    expect(value('outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(90);
    expect(value('outbox_oldest_pending_age_seconds')).toBeLessThan(3_600);
  });

  it('when the relay publishes, then messages_published_total counts by type and the pending gauge drops to zero', async () => {
    const metrics = createMetrics('orchestrator');
    const relay = createOutboxRelay({
      db: handle.database.db,
      transport: recordingTransport(),
      logger: silentLogger(),
      metrics,
      service: 'orchestrator',
      options: { pollIntervalMs: 20 },
    });
    await handle.enqueue(someDebitCommands(4));

    relay.start();
    await eventually(
      () => statusCounts(handle),
      (counts) => counts['SENT'] === 4,
    );
    await relay.stop();

    const text = await metrics.registry.metrics();
    expect(text).toMatch(/messages_published_total\{type="account\.DebitAccount\.v1",service="orchestrator"\} 4/);
    expect(text).toMatch(/outbox_pending\{service="orchestrator"\} 0/);
    expect(text).toMatch(/outbox_oldest_pending_age_seconds\{service="orchestrator"\} 0/);
  });

  it('when the database cannot be queried during a scrape, then the scrape still succeeds', async () => {
    const unreachable = connectDatabase({
      url: `postgres://postgres@127.0.0.1:${await findFreePort()}/nowhere`,
      schema,
      logger: silentLogger(),
      applicationName: 'unreachable',
    });
    const metrics = createMetrics('orchestrator');
    createOutboxRelay({ db: unreachable.db, transport: recordingTransport(), logger: silentLogger(), metrics, service: 'orchestrator' });

    try {
      const text = await metrics.registry.metrics();
      expect(text).toContain('# TYPE outbox_pending gauge');
      expect(text).toContain('process_cpu_user_seconds_total');
    } finally {
      await unreachable.close();
    }
  });
});
