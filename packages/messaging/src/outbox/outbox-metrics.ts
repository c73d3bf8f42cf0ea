import { sql } from 'drizzle-orm';
import type { Logger, ServiceMetrics, SqlExecutor } from '@ordering/platform';
import { Gauge, type Counter, type Histogram } from 'prom-client';
import { outboxMessages } from './outbox-schema.js';
import { sharedCounter, sharedHistogram } from '../runtime/registered-metrics.js';
import { createScrapeSnapshot, replacingIn } from '../runtime/scrape-snapshot.js';

interface OutboxSnapshot {
  pending: number;
  dead: number;
  oldestPendingAgeSeconds: number;
}

/**
 * From a row's insert to its successful publish. Right after commit this is milliseconds; a row the relay picks up
 * after a crash, or that waited out a broker outage, takes seconds to minutes.
 */
const PUBLISH_LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

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

export interface OutboxMetrics {
  published: Counter<'type'>;
  /** `outbox_publish_lag_seconds{destination}`: destination is a service name, so the label stays bounded. */
  publishLag: Histogram<'destination'>;
}

/**
 * `messages_published_total{type}`, `outbox_publish_lag_seconds{destination}` and the outbox gauges. The gauges
 * query the table when scraped; when that fails they keep their last value and the scrape still succeeds.
 */
export const registerOutboxMetrics = (db: SqlExecutor, metrics: ServiceMetrics, logger: Logger): OutboxMetrics => {
  const registry = metrics.registry;
  const snapshot = createScrapeSnapshot(() => readSnapshot(db), { what: 'outbox metrics', logger });

  const gauge = (name: string, help: string, pick: (s: OutboxSnapshot) => number): void => {
    new Gauge({
      name,
      help,
      registers: replacingIn(registry, name),
      async collect() {
        const current = await snapshot();
        if (current) this.set(pick(current));
      },
    });
  };
  gauge('outbox_pending', 'Outbox messages waiting to be published', (s) => s.pending);
  gauge('outbox_oldest_pending_age_seconds', 'Age of the oldest outbox message waiting to be published', (s) => s.oldestPendingAgeSeconds);
  gauge('outbox_dead', 'Outbox messages that exhausted their delivery attempts (see GET /internal/outbox/dead)', (s) => s.dead);

  const published = sharedCounter(registry, 'messages_published_total', 'Messages delivered by the outbox relay', ['type']);
  const publishLag = sharedHistogram(
    registry,
    'outbox_publish_lag_seconds',
    'Time from an outbox row being written to its successful publish, by destination service',
    ['destination'],
    PUBLISH_LAG_BUCKETS,
  );
  return { published, publishLag };
};
