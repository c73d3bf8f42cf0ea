import { sql } from 'drizzle-orm';
import { isUuid, type SqlExecutor } from '@ordering/platform';
import { prepareStatement } from './prepared-statement.js';
import { sagaColumns, sagaOf, type SagaRecord, type SagaRow, type SagaStepRecord } from './saga-records.js';
import type { SagaHistoryEvent } from './saga-schema.js';
import type { Direction, SagaStatus, StepStatus } from './saga-state-machine.js';

/** A command the engine sent for the saga, with the trace it was sent in. */
export interface SagaTimelineCommand {
  messageId: string;
  stepIndex: number;
  direction: Direction;
  attempt: number;
  sentAt: Date;
  /** From the send's W3C traceparent; null when it was sent without one. */
  traceId: string | null;
}

/** A row of saga_history. */
export interface SagaHistoryEntry {
  id: number;
  at: Date;
  event: SagaHistoryEvent;
  stepIndex: number | null;
  direction: Direction | null;
  outcome: string | null;
  messageId: string | null;
  reason: string | null;
  actor: string | null;
  statusBefore: SagaStatus;
  statusAfter: SagaStatus;
  note: string | null;
}

/** Everything an operator reads about one saga: its row, steps, commands and history, each oldest first. */
export interface SagaTimelineRecords {
  saga: SagaRecord;
  steps: SagaStepRecord[];
  commands: SagaTimelineCommand[];
  history: SagaHistoryEntry[];
}

// json_agg writes timestamps as text: the rows below carry them as strings until they are mapped.
type Dated<T, Keys extends keyof T> = Omit<T, Keys> & { [Key in Keys]: string };
type CommandJson = Dated<Omit<SagaTimelineCommand, 'traceId'>, 'sentAt'> & { traceparent: string | null };
type TimelineRow = SagaRow & {
  steps: Dated<SagaStepRecord, 'updatedAt'>[] | null;
  commands: CommandJson[] | null;
  history: Dated<SagaHistoryEntry, 'at'>[] | null;
};

/**
 * One statement: an operator's page is one round trip, however long the saga's history. Commands sent in the same
 * millisecond are ordered as the engine can only have sent them: forward steps upwards, then compensations downwards.
 */
const loadTimelineStatement = prepareStatement<{ sagaId: string }, TimelineRow>(
  'saga_timeline',
  sql`select ${sagaColumns('saga')},
             (select json_agg(json_build_object('sagaId', step.saga_id, 'stepIndex', step.step_index, 'name', step.name, 'status', step.status,
                                                'attempts', step.attempts, 'compensationAttempts', step.compensation_attempts, 'updatedAt', step.updated_at)
                              order by step.step_index)
                from saga_steps step where step.saga_id = saga.id) as steps,
             (select json_agg(json_build_object('messageId', command.message_id, 'stepIndex', command.step_index, 'direction', command.direction,
                                                'attempt', command.attempt, 'sentAt', command.sent_at, 'traceparent', command.trace_headers->>'traceparent')
                              order by command.sent_at, command.direction = 'COMPENSATION',
                                       case when command.direction = 'FORWARD' then command.step_index else -command.step_index end,
                                       command.attempt)
                from saga_commands command where command.saga_id = saga.id) as commands,
             (select json_agg(json_build_object('id', entry.id, 'at', entry.at, 'event', entry.event, 'stepIndex', entry.step_index,
                                                'direction', entry.direction, 'outcome', entry.outcome, 'messageId', entry.message_id,
                                                'reason', entry.reason, 'actor', entry.actor, 'statusBefore', entry.status_before,
                                                'statusAfter', entry.status_after, 'note', entry.note)
                              order by entry.id)
                from saga_history entry where entry.saga_id = saga.id) as history
        from sagas saga
       where saga.id = ${sql.placeholder('sagaId')}::uuid`,
);

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/** The trace id of a W3C traceparent (`00-<trace id>-<span id>-<flags>`); null for none, a malformed one or the invalid all-zero id. */
export const traceIdOf = (traceparent: string | null | undefined): string | null => {
  const traceId = TRACEPARENT.exec(traceparent?.trim().toLowerCase() ?? '')?.[1];
  return traceId && !/^0+$/.test(traceId) ? traceId : null;
};

/** A saga with its steps, commands and history, or undefined (also for an id that is not a UUID). */
export const loadSagaTimeline = async (db: SqlExecutor, sagaId: string): Promise<SagaTimelineRecords | undefined> => {
  if (!isUuid(sagaId)) return undefined;
  const [row] = await loadTimelineStatement.run(db, { sagaId });
  if (!row) return undefined;
  return {
    saga: sagaOf(row),
    steps: (row.steps ?? []).map((step) => ({ ...step, status: step.status as StepStatus, updatedAt: new Date(step.updatedAt) })),
    commands: (row.commands ?? []).map(({ traceparent, ...command }) => ({
      ...command,
      sentAt: new Date(command.sentAt),
      traceId: traceIdOf(traceparent),
    })),
    history: (row.history ?? []).map((entry) => ({ ...entry, id: Number(entry.id), at: new Date(entry.at) })),
  };
};
