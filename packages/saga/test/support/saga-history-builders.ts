import type { Direction, SagaHistoryEvent, SagaStatus } from '../../src/index.js';
import type { SagaTestBed } from './saga-test-bed.js';

/** A saga_history row as a test writes it (the engine writes them elsewhere): only what the test cares about. */
export interface HistoryRowInput {
  event: SagaHistoryEvent;
  at?: Date;
  stepIndex?: number | null;
  direction?: Direction | null;
  outcome?: string | null;
  messageId?: string | null;
  reason?: string | null;
  actor?: string | null;
  statusBefore?: SagaStatus;
  statusAfter?: SagaStatus;
  note?: string | null;
}

/** Inserts history rows for a saga with plain SQL, in the given order (their ids follow it). */
export const insertHistory = async (bed: SagaTestBed, sagaId: string, rows: HistoryRowInput[]): Promise<void> => {
  for (const row of rows) {
    await bed.database.pool.query(
      `insert into saga_history (saga_id, at, event, step_index, direction, outcome, message_id, reason, actor, status_before, status_after, note)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        sagaId,
        row.at ?? bed.clock.now(),
        row.event,
        row.stepIndex ?? null,
        row.direction ?? null,
        row.outcome ?? null,
        row.messageId ?? null,
        row.reason ?? null,
        row.actor ?? null,
        row.statusBefore ?? 'RUNNING',
        row.statusAfter ?? row.statusBefore ?? 'RUNNING',
        row.note ?? null,
      ],
    );
  }
};
