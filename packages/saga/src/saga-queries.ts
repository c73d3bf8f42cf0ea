import { and, eq, gte, lte, or, sql, type SQL } from 'drizzle-orm';
import { decodeCursor, isUuid, toPage, validationFailed, type SqlExecutor } from '@ordering/platform';
import { sagas } from './saga-schema.js';
import { findSagaView, loadStepsOf } from './saga-reads.js';
import type { SagaRecord, SagaView } from './saga-records.js';
import type { SagaStatus } from './saga-state-machine.js';

/** A saga and its steps, or undefined (also for an id that is not a UUID, so a bad path is a 404, not a 500). */
export const findSaga = async (db: SqlExecutor, sagaId: string): Promise<SagaView | undefined> => {
  if (!isUuid(sagaId)) return undefined;
  return findSagaView(db, sagaId);
};

/** What the console filters sagas by; every filter given must hold (AND). Times are instants, so queries stay clock-free. */
export interface SagaFilters {
  ownerId?: string;
  type?: string;
  /** An exact reason code (INSUFFICIENT_FUNDS, TIMEOUT, ...). */
  reason?: string;
  /** Created at or before this instant. */
  olderThan?: Date;
  /** Created at or after this instant. */
  newerThan?: Date;
  /** A UUID: the saga whose id, business key or owner equals it. Anything else is a 400 (AppError VALIDATION_FAILED). */
  search?: string;
}

export interface SagaListQuery extends SagaFilters {
  status?: SagaStatus;
  limit: number;
  /** An opaque cursor from a previous page; a malformed one is a 400 (AppError VALIDATION_FAILED). */
  cursor?: string;
}

export interface SagaPage {
  items: SagaView[];
  nextCursor: string | null;
}

/**
 * A search is one of three exact matches; PostgreSQL answers the OR with a BitmapOr of the primary key,
 * sagas_business_key_idx and sagas_owner_created_idx (measured on 200k sagas: under 1 ms), never a scan.
 */
const searchFilter = (search: string): SQL => {
  if (!isUuid(search)) throw validationFailed('The search is invalid', [{ path: 'querystring.q', message: 'must be a UUID' }]);
  return or(eq(sagas.id, search), eq(sagas.businessKey, search), eq(sagas.ownerId, search)) as SQL;
};

/** The WHERE conditions of the filters; listings and counts share them. */
export const sagaFilterConditions = (filters: SagaFilters & { status?: SagaStatus }): SQL[] => {
  const conditions: SQL[] = [];
  if (filters.ownerId !== undefined) conditions.push(eq(sagas.ownerId, filters.ownerId));
  if (filters.status !== undefined) conditions.push(eq(sagas.status, filters.status));
  if (filters.type !== undefined) conditions.push(eq(sagas.type, filters.type));
  if (filters.reason !== undefined) conditions.push(eq(sagas.reason, filters.reason));
  if (filters.olderThan !== undefined) conditions.push(lte(sagas.createdAt, filters.olderThan));
  if (filters.newerThan !== undefined) conditions.push(gte(sagas.createdAt, filters.newerThan));
  if (filters.search !== undefined) conditions.push(searchFilter(filters.search));
  return conditions;
};

/**
 * The indexes are declared `desc nulls last` (Drizzle's `.desc()`), and PostgreSQL only walks an index for an ORDER BY
 * with the same nulls placement, even on NOT NULL columns: a plain `desc` (nulls first) read and sorted the whole
 * table (a page of 200k sagas: 176 ms, a parallel seq scan). Said the same way, each page is an index scan.
 */
const NEWEST_FIRST = [sql`${sagas.createdAt} desc nulls last`, sql`${sagas.id} desc nulls last`];

/**
 * Newest first, ties broken by id, so pages never skip nor repeat a saga while new ones are started. Each single
 * filter walks its (filter, created_at desc, id desc) index and stops after limit + 1 rows. Measured with EXPLAIN
 * ANALYZE on 200k generated sagas, page of 20: no filter, a deep cursor, status, type, reason, owner, olderThan or
 * newerThan each an index scan of their index, 0.01 to 0.5 ms (owner 5 ms cold); a search 0.1 to 0.5 ms (BitmapOr,
 * then a sort of the few matches); combined filters pick the most selective index, under 0.1 ms.
 */
export const listSagas = async (db: SqlExecutor, query: SagaListQuery): Promise<SagaPage> => {
  const filters = sagaFilterConditions(query);
  if (query.cursor !== undefined) {
    const after = decodeCursor(query.cursor);
    filters.push(sql`(${sagas.createdAt}, ${sagas.id}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`);
  }
  const rows = await db
    .select()
    .from(sagas)
    .where(and(...filters))
    .orderBy(...NEWEST_FIRST)
    .limit(query.limit + 1);
  const page = toPage<SagaRecord, SagaRecord>(rows, query.limit, (saga) => saga);
  const steps = await loadStepsOf(
    db,
    page.items.map((saga) => saga.id),
  );
  return { items: page.items.map((saga) => ({ saga, steps: steps.get(saga.id) ?? [] })), nextCursor: page.nextCursor };
};
