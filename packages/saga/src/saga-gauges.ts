import { createScrapeSnapshot, replacingIn } from '@ordering/messaging';
import type { Logger, ServiceMetrics, SqlExecutor } from '@ordering/platform';
import { sql } from 'drizzle-orm';
import { Gauge } from 'prom-client';
import type { SagaDefinition } from './saga-definition.js';
import { sagas } from './saga-schema.js';

/** The sweeper looks every second: a deadline this far behind means it did not act (stopped, failing, overloaded). */
export const OVERDUE_AFTER_MS = 60_000;

const IN_FLIGHT_STATUSES = ['RUNNING', 'COMPENSATING'] as const;

export interface SagaGaugesOptions {
  /** The orchestrator's database (the pool: scrapes run outside any transaction). */
  db: SqlExecutor;
  metrics: ServiceMetrics;
  logger: Logger;
  /** Their types are reported at 0 when none of them is in flight. */
  definitions: readonly SagaDefinition[];
  /** The engine's clock: deadlines were written by it. */
  now?: () => Date;
}

interface InFlightRow {
  type: string;
  status: string;
  inFlight: number;
  overdue: number;
}

/**
 * In-flight sagas only, found through sagas_status_created_idx: however many finished sagas are stored, a scrape
 * reads the running few.
 */
const readInFlight = async (db: SqlExecutor, overdueBefore: Date): Promise<InFlightRow[]> => {
  const result = await db.execute<{ type: string; status: string; in_flight: string | number; overdue: string | number }>(sql`
    select ${sagas.type} as type, ${sagas.status} as status, count(*) as in_flight,
           count(*) filter (where ${sagas.deadlineAt} < ${overdueBefore.toISOString()}::timestamptz) as overdue
      from ${sagas}
     where ${sagas.status} in ('RUNNING', 'COMPENSATING')
     group by ${sagas.type}, ${sagas.status}`);
  return result.rows.map((row) => ({ type: row.type, status: row.status, inFlight: Number(row.in_flight), overdue: Number(row.overdue) }));
};

/**
 * `sagas_in_flight{type,status}` and `sagas_overdue{type}`, read from the database when scraped (one query for both,
 * cached briefly, bounded by a timeout; a failed read keeps the last values). Every defined type is reported, at 0
 * when it has nothing in flight, so that an alert on overdue sagas has its series from the start.
 */
export const registerSagaGauges = (options: SagaGaugesOptions): void => {
  const registry = options.metrics.registry;
  const clock = options.now ?? (() => new Date());
  const types = options.definitions.map((definition) => definition.type);
  const snapshot = createScrapeSnapshot(() => readInFlight(options.db, new Date(clock().getTime() - OVERDUE_AFTER_MS)), {
    what: 'saga gauges',
    logger: options.logger,
  });

  new Gauge({
    name: 'sagas_in_flight',
    help: 'Sagas running or compensating',
    labelNames: ['type', 'status'] as const,
    registers: replacingIn(registry, 'sagas_in_flight'),
    async collect() {
      const rows = await snapshot();
      if (!rows) return;
      this.reset();
      for (const type of types) for (const status of IN_FLIGHT_STATUSES) this.set({ type, status }, 0);
      for (const row of rows) this.set({ type: row.type, status: row.status }, row.inFlight);
    },
  });

  new Gauge({
    name: 'sagas_overdue',
    help: `In-flight sagas whose step deadline passed more than ${OVERDUE_AFTER_MS / 1000} s ago: the sweeper should have acted`,
    labelNames: ['type'] as const,
    registers: replacingIn(registry, 'sagas_overdue'),
    async collect() {
      const rows = await snapshot();
      if (!rows) return;
      this.reset();
      for (const type of types) this.set({ type }, 0);
      for (const row of rows) this.inc({ type: row.type }, row.overdue);
    },
  });
};
