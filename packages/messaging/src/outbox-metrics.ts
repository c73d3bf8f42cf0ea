import { sql } from 'drizzle-orm';
import type { Logger, ServiceMetrics } from '@ordering/platform';
import { Counter, Gauge, type Registry } from 'prom-client';
import { outboxMessages } from './outbox-schema.js';
import { createRateLimitedLog } from './rate-limited-log.js';
import type { SqlExecutor } from './sql-executor.js';

interface OutboxSnapshot {
  pending: number;
  dead: number;
  oldestPendingAgeSeconds: number;
}

/** One scrape reads three gauges; they share one query. */
const SNAPSHOT_MAX_AGE_MS = 1_000;
/** A scrape must not hang on a database that does not answer. */
const SNAPSHOT_TIMEOUT_MS = 2_000;

const readSnapshot = async (db: SqlExecutor): Promise<OutboxSnapshot> => {
  const result = await db.execute<{ pending: string | number; dead: string | number; oldest: string | number | null }>(sql`
    select
      count(*) filter (where ${outboxMessages.status} = 'PENDING') as pending,
      count(*) filter (where ${outboxMessages.status} = 'DEAD') as dead,
      extract(epoch from now() - min(${outboxMessages.createdAt}) filter (where ${outboxMessages.status} = 'PENDING')) as oldest
    from ${outboxMessages}
    where ${outboxMessages.status} in ('PENDING', 'DEAD')`);
  const row = result.rows[0];
  return {
    pending: Number(row?.pending ?? 0),
    dead: Number(row?.dead ?? 0),
    oldestPendingAgeSeconds: Math.max(0, Number(row?.oldest ?? 0)),
  };
};

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`outbox metrics query timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

/** A metric that another component (or an earlier instance in the same process) registered is replaced. */
const replacing = (registry: Registry, name: string): Registry[] => {
  registry.removeSingleMetric(name);
  return [registry];
};

export interface OutboxMetrics {
  published: Counter<'type'>;
}

/**
 * `messages_published_total{type}` and the outbox gauges. The gauges query the table when scraped; when that
 * fails they keep their last value and the scrape still succeeds.
 */
export const registerOutboxMetrics = (db: SqlExecutor, metrics: ServiceMetrics, logger: Logger): OutboxMetrics => {
  const registry = metrics.registry;
  const failures = createRateLimitedLog(logger, 60_000);
  let cached: { at: number; snapshot: Promise<OutboxSnapshot | undefined> } | undefined;

  const snapshot = (): Promise<OutboxSnapshot | undefined> => {
    if (cached && Date.now() - cached.at < SNAPSHOT_MAX_AGE_MS) return cached.snapshot;
    const fresh = withTimeout(readSnapshot(db), SNAPSHOT_TIMEOUT_MS).catch((error: unknown) => {
      failures.warn({ err: error }, 'outbox metrics could not be read');
      return undefined;
    });
    cached = { at: Date.now(), snapshot: fresh };
    return fresh;
  };

  const gauge = (name: string, help: string, pick: (s: OutboxSnapshot) => number): void => {
    new Gauge({
      name,
      help,
      registers: replacing(registry, name),
      async collect() {
        const current = await snapshot();
        if (current) this.set(pick(current));
      },
    });
  };
  gauge('outbox_pending', 'Outbox messages waiting to be published', (s) => s.pending);
  gauge('outbox_oldest_pending_age_seconds', 'Age of the oldest outbox message waiting to be published', (s) => s.oldestPendingAgeSeconds);
  gauge('outbox_dead', 'Outbox messages that exhausted their delivery attempts (see GET /internal/outbox/dead)', (s) => s.dead);

  const existing = registry.getSingleMetric('messages_published_total');
  const published =
    existing instanceof Counter
      ? (existing as Counter<'type'>)
      : new Counter({ name: 'messages_published_total', help: 'Messages delivered by the outbox relay', labelNames: ['type'] as const, registers: [registry] });
  return { published };
};
