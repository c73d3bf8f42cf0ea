import type { Envelope } from '@ordering/contracts';
import type { SqlExecutor } from '@ordering/messaging';
import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { sagaCommands, sagas, sagaSteps } from './saga-schema.js';
import type { Direction, SagaStatus, StepStatus } from './saga-state-machine.js';

export type SagaRecord = typeof sagas.$inferSelect;
export type SagaStepRecord = typeof sagaSteps.$inferSelect;
export type SagaCommandRecord = typeof sagaCommands.$inferSelect;

/** A saga with its step rows in definition order: what the API presents. */
export interface SagaView {
  saga: SagaRecord;
  steps: SagaStepRecord[];
}

/** A Drizzle database or transaction that can open a (nested) transaction: what the sweeper needs. */
export interface SagaDatabase extends SqlExecutor {
  transaction<T>(run: (tx: SagaDatabase) => Promise<T>): Promise<T>;
}

export interface SagaChanges {
  status: SagaStatus;
  currentStep: number;
  stepAttempt: number;
  reason: string | null;
  data: unknown;
  deadlineAt: Date | null;
  updatedAt: Date;
  finishedAt: Date | null;
}

export const insertSaga = async (tx: SqlExecutor, saga: typeof sagas.$inferInsert, steps: (typeof sagaSteps.$inferInsert)[]): Promise<SagaRecord> => {
  const [inserted] = await tx.insert(sagas).values(saga).returning();
  if (!inserted) throw new Error('inserting a saga returned no row');
  await tx.insert(sagaSteps).values(steps);
  return inserted;
};

/** The trace context of the saga's latest send, for a resend that should stay in the same trace. */
export const latestCommandTraceHeaders = async (tx: SqlExecutor, sagaId: string): Promise<Envelope['headers']> => {
  const rows = await tx
    .select({ traceHeaders: sagaCommands.traceHeaders })
    .from(sagaCommands)
    .where(eq(sagaCommands.sagaId, sagaId))
    .orderBy(desc(sagaCommands.sentAt), desc(sagaCommands.attempt))
    .limit(1);
  return rows[0]?.traceHeaders ?? {};
};

export const findCommand = async (tx: SqlExecutor, messageId: string): Promise<SagaCommandRecord | undefined> => {
  const rows = await tx.select().from(sagaCommands).where(eq(sagaCommands.messageId, messageId));
  return rows[0];
};

/** Serialises everything that happens to one saga: replies and sweeps wait for each other here. */
export const lockSaga = async (tx: SqlExecutor, sagaId: string): Promise<SagaRecord | undefined> => {
  const rows = await tx.select().from(sagas).where(eq(sagas.id, sagaId)).for('update');
  return rows[0];
};

export const loadSteps = (tx: SqlExecutor, sagaId: string): Promise<SagaStepRecord[]> =>
  tx.select().from(sagaSteps).where(eq(sagaSteps.sagaId, sagaId)).orderBy(asc(sagaSteps.stepIndex));

export const loadStepsOf = async (tx: SqlExecutor, sagaIds: string[]): Promise<Map<string, SagaStepRecord[]>> => {
  const bySaga = new Map<string, SagaStepRecord[]>(sagaIds.map((id) => [id, []]));
  if (sagaIds.length === 0) return bySaga;
  const rows = await tx.select().from(sagaSteps).where(inArray(sagaSteps.sagaId, sagaIds)).orderBy(asc(sagaSteps.sagaId), asc(sagaSteps.stepIndex));
  for (const row of rows) bySaga.get(row.sagaId)?.push(row);
  return bySaga;
};

/**
 * Optimistic locking: the update applies only to the version the caller read, and bumps it. Returns false (and
 * changes nothing) when someone else changed the saga in between.
 */
export const updateSaga = async (tx: SqlExecutor, sagaId: string, expectedVersion: number, changes: SagaChanges): Promise<boolean> => {
  const rows = await tx
    .update(sagas)
    .set({ ...changes, version: sql`${sagas.version} + 1` })
    .where(and(eq(sagas.id, sagaId), eq(sagas.version, expectedVersion)))
    .returning({ id: sagas.id });
  return rows.length === 1;
};

export const setStepStatus = async (tx: SqlExecutor, sagaId: string, stepIndex: number, status: StepStatus, at: Date): Promise<void> => {
  await tx
    .update(sagaSteps)
    .set({ status, updatedAt: at })
    .where(and(eq(sagaSteps.sagaId, sagaId), eq(sagaSteps.stepIndex, stepIndex)));
};

/** Remembers a sent command (so its reply can be matched) and counts the send on its step. */
export const recordCommand = async (
  tx: SqlExecutor,
  command: { messageId: string; sagaId: string; stepIndex: number; direction: Direction; attempt: number; sentAt: Date; traceHeaders: Envelope['headers'] },
): Promise<void> => {
  await tx.insert(sagaCommands).values(command);
  const counter = command.direction === 'FORWARD' ? sagaSteps.attempts : sagaSteps.compensationAttempts;
  await tx
    .update(sagaSteps)
    .set(command.direction === 'FORWARD' ? { attempts: sql`${counter} + 1` } : { compensationAttempts: sql`${counter} + 1` })
    .where(and(eq(sagaSteps.sagaId, command.sagaId), eq(sagaSteps.stepIndex, command.stepIndex)));
};

/**
 * Claims sagas whose deadline passed. SKIP LOCKED lets several sweepers (replicas) share the work without
 * waiting on each other or touching the same saga twice; a saga a reply is processing right now is left alone.
 * The status list is literal SQL so the planner can use the partial index sagas_due_idx.
 */
export const claimDueSagas = (tx: SqlExecutor, now: Date, limit: number): Promise<SagaRecord[]> =>
  tx
    .select()
    .from(sagas)
    .where(and(sql`${sagas.status} in ('RUNNING', 'COMPENSATING')`, lt(sagas.deadlineAt, now)))
    .orderBy(asc(sagas.deadlineAt))
    .limit(limit)
    .for('update', { skipLocked: true });
