import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { decodeCursor, isUuid, toPage, type SqlExecutor } from '@ordering/platform';
import { sagas } from './saga-schema.js';
import { findSagaView, loadStepsOf } from './saga-reads.js';
import type { SagaRecord, SagaView } from './saga-records.js';
import type { SagaStatus } from './saga-state-machine.js';

/** A saga and its steps, or undefined (also for an id that is not a UUID, so a bad path is a 404, not a 500). */
export const findSaga = async (db: SqlExecutor, sagaId: string): Promise<SagaView | undefined> => {
  if (!isUuid(sagaId)) return undefined;
  return findSagaView(db, sagaId);
};

export interface SagaListQuery {
  ownerId?: string;
  status?: SagaStatus;
  type?: string;
  limit: number;
  /** An opaque cursor from a previous page; a malformed one is a 400 (AppError VALIDATION_FAILED). */
  cursor?: string;
}

export interface SagaPage {
  items: SagaView[];
  nextCursor: string | null;
}

/** Newest first, ties broken by id, so pages never skip nor repeat a saga while new ones are started. */
export const listSagas = async (db: SqlExecutor, query: SagaListQuery): Promise<SagaPage> => {
  const filters: SQL[] = [];
  if (query.ownerId !== undefined) filters.push(eq(sagas.ownerId, query.ownerId));
  if (query.status !== undefined) filters.push(eq(sagas.status, query.status));
  if (query.type !== undefined) filters.push(eq(sagas.type, query.type));
  if (query.cursor !== undefined) {
    const after = decodeCursor(query.cursor);
    filters.push(sql`(${sagas.createdAt}, ${sagas.id}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`);
  }
  const rows = await db
    .select()
    .from(sagas)
    .where(and(...filters))
    .orderBy(desc(sagas.createdAt), desc(sagas.id))
    .limit(query.limit + 1);
  const page = toPage<SagaRecord, SagaRecord>(rows, query.limit, (saga) => saga);
  const steps = await loadStepsOf(
    db,
    page.items.map((saga) => saga.id),
  );
  return { items: page.items.map((saga) => ({ saga, steps: steps.get(saga.id) ?? [] })), nextCursor: page.nextCursor };
};
