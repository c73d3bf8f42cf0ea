import { and, sql } from 'drizzle-orm';
import type { SqlExecutor } from '@ordering/platform';
import { sagaFilterConditions, type SagaFilters } from './saga-queries.js';
import { sagas } from './saga-schema.js';
import { SAGA_STATUSES, type SagaStatus } from './saga-state-machine.js';

/** Counting stops here: past it the console says "10000+", so a count never scans a million rows. */
export const SAGA_COUNT_CAP = 10_000;

export interface SagaStatusCount {
  status: SagaStatus;
  /** Exact up to the cap; the cap itself when there are more. */
  count: number;
  /** True when there are more than `count`. */
  atLeast: boolean;
}

export interface SagaCounts {
  cap: number;
  counts: SagaStatusCount[];
}

const cappedCount = (status: SagaStatus, filters: SagaFilters, cap: number) =>
  sql`(select count(*) from (select 1 from ${sagas} where ${and(...sagaFilterConditions({ ...filters, status }))} limit ${cap + 1}) capped)::int`;

/**
 * The sagas matching the filters, per status, in one statement: each status stops after cap + 1 rows, so the cost
 * is bounded whatever the table holds. Measured on 200k generated sagas (cap 10000): no filter 28 ms (a rare status
 * through sagas_status_created_idx, a common one reads until 10001 rows matched), a reason or type 10 to 15 ms,
 * a search under 1 ms.
 */
export const countSagas = async (db: SqlExecutor, filters: SagaFilters, cap: number = SAGA_COUNT_CAP): Promise<SagaCounts> => {
  const columns = SAGA_STATUSES.map((status) => sql`${cappedCount(status, filters, cap)} as ${sql.identifier(status)}`);
  const result = await db.execute<Record<SagaStatus, number>>(sql`select ${sql.join(columns, sql`, `)}`);
  const row = result.rows[0];
  return {
    cap,
    counts: SAGA_STATUSES.map((status) => {
      const count = Number(row?.[status] ?? 0);
      return { status, count: Math.min(count, cap), atLeast: count > cap };
    }),
  };
};
