import type { Envelope } from '@ordering/contracts';
import { and, eq, sql } from 'drizzle-orm';
import type { SqlExecutor } from '@ordering/platform';
import { prepareStatement } from './prepared-statement.js';
import { SAGA_FINISHED_CHANNEL } from './saga-finished-signal.js';
import type { SagaChanges } from './saga-records.js';
import { sagas, type SagaHistoryEvent } from './saga-schema.js';
import type { Direction, SagaStatus, StepStatus } from './saga-state-machine.js';

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

/** One step row's change in a transition: a new status (or null for none), and the sends to count on it. */
export interface StepChange {
  stepIndex: number;
  status: StepStatus | null;
  forwardSends: number;
  compensationSends: number;
}

/** A command sent by a transition, recorded so its reply can be matched (and resent in the same trace). */
export interface SentCommand {
  messageId: string;
  stepIndex: number;
  direction: Direction;
  attempt: number;
  traceHeaders: Envelope['headers'];
}

/** What caused a transition, as its saga_history row records it (statuses and note come from the transition). */
export interface HistoryEntry {
  event: Exclude<SagaHistoryEvent, 'started'>;
  /** The step the reply, deadline or repair was about. */
  stepIndex: number | null;
  direction: Direction | null;
  /** A reply's SUCCEEDED or FAILED; a repair's action. */
  outcome: string | null;
  /** The reply's message id. */
  messageId: string | null;
  /** A failed reply's reason, or the operator's why. */
  reason: string | null;
  /** The operator who repaired; null for what the engine did by itself. */
  actor: string | null;
}

export interface TransitionWrite {
  sagaId: string;
  expectedVersion: number;
  changes: SagaChanges;
  steps: StepChange[];
  command: SentCommand | null;
  /** The saga becomes terminal: signal it on commit (a `?wait` request answers now instead of at its next poll). */
  finishing: boolean;
  history: HistoryEntry & { statusBefore: SagaStatus; note: string };
}

const writeTransitionStatement = prepareStatement<
  {
    sagaId: string;
    expectedVersion: number;
    status: SagaStatus;
    currentStep: number;
    stepAttempt: number;
    reason: string | null;
    data: string;
    deadlineAt: Date | null;
    at: Date;
    finishedAt: Date | null;
    stepIndexes: number[];
    stepStatuses: (StepStatus | null)[];
    forwardSends: number[];
    compensationSends: number[];
    messageId: string | null;
    commandStep: number | null;
    direction: Direction | null;
    attempt: number | null;
    traceHeaders: string | null;
    finishing: boolean;
    channel: string;
    historyEvent: string;
    historyStep: number | null;
    historyDirection: Direction | null;
    historyOutcome: string | null;
    historyMessageId: string | null;
    historyReason: string | null;
    historyActor: string | null;
    statusBefore: SagaStatus;
    note: string;
  },
  { id: string }
>(
  'saga_write_transition',
  sql`with saga as (
    update sagas
       set status = ${sql.placeholder('status')}, current_step = ${sql.placeholder('currentStep')}::int, step_attempt = ${sql.placeholder('stepAttempt')}::int,
           reason = ${sql.placeholder('reason')}, data = ${sql.placeholder('data')}::jsonb, deadline_at = ${sql.placeholder('deadlineAt')}::timestamptz,
           updated_at = ${sql.placeholder('at')}::timestamptz, finished_at = ${sql.placeholder('finishedAt')}::timestamptz, version = version + 1
     where id = ${sql.placeholder('sagaId')}::uuid and version = ${sql.placeholder('expectedVersion')}::int
    returning id
  ), steps as (
    update saga_steps
       set status = coalesce(change.status, saga_steps.status),
           updated_at = case when change.status is null then saga_steps.updated_at else ${sql.placeholder('at')}::timestamptz end,
           attempts = saga_steps.attempts + change.forward_sends,
           compensation_attempts = saga_steps.compensation_attempts + change.compensation_sends
      from saga, unnest(${sql.placeholder('stepIndexes')}::int[], ${sql.placeholder('stepStatuses')}::text[], ${sql.placeholder('forwardSends')}::int[],
                        ${sql.placeholder('compensationSends')}::int[]) as change(step_index, status, forward_sends, compensation_sends)
     where saga_steps.saga_id = saga.id and saga_steps.step_index = change.step_index
  ), command as (
    insert into saga_commands (message_id, saga_id, step_index, direction, attempt, sent_at, trace_headers)
    select ${sql.placeholder('messageId')}::uuid, saga.id, ${sql.placeholder('commandStep')}::int, ${sql.placeholder('direction')},
           ${sql.placeholder('attempt')}::int, ${sql.placeholder('at')}::timestamptz, ${sql.placeholder('traceHeaders')}::jsonb
      from saga
     where ${sql.placeholder('messageId')}::uuid is not null
  ), history as (
    insert into saga_history (saga_id, at, event, step_index, direction, outcome, message_id, reason, actor, status_before, status_after, note)
    select saga.id, ${sql.placeholder('at')}::timestamptz, ${sql.placeholder('historyEvent')}, ${sql.placeholder('historyStep')}::int,
           ${sql.placeholder('historyDirection')}, ${sql.placeholder('historyOutcome')}, ${sql.placeholder('historyMessageId')}::uuid,
           ${sql.placeholder('historyReason')}, ${sql.placeholder('historyActor')}, ${sql.placeholder('statusBefore')}, ${sql.placeholder('status')},
           ${sql.placeholder('note')}
      from saga
  )
  select saga.id, case when ${sql.placeholder('finishing')}::boolean then pg_notify(${sql.placeholder('channel')}, saga.id::text) end as signalled
    from saga`,
);

/**
 * Writes one transition in one statement: the saga row (only at the version the caller read, bumping it), its step
 * rows, the record of the command it sends, its saga_history row, and the saga-finished signal. Returns false, having changed nothing,
 * when the saga is no longer at that version. Each step row is updated once (a new status and a send on one step
 * are one change), since a statement cannot update one row twice.
 */
export const writeTransition = async (tx: SqlExecutor, write: TransitionWrite): Promise<boolean> => {
  const { changes, command, history } = write;
  const rows = await writeTransitionStatement.run(tx, {
    sagaId: write.sagaId,
    expectedVersion: write.expectedVersion,
    status: changes.status,
    currentStep: changes.currentStep,
    stepAttempt: changes.stepAttempt,
    reason: changes.reason,
    data: JSON.stringify(changes.data),
    deadlineAt: changes.deadlineAt,
    at: changes.updatedAt,
    finishedAt: changes.finishedAt,
    stepIndexes: write.steps.map((step) => step.stepIndex),
    stepStatuses: write.steps.map((step) => step.status),
    forwardSends: write.steps.map((step) => step.forwardSends),
    compensationSends: write.steps.map((step) => step.compensationSends),
    messageId: command?.messageId ?? null,
    commandStep: command?.stepIndex ?? null,
    direction: command?.direction ?? null,
    attempt: command?.attempt ?? null,
    traceHeaders: command ? JSON.stringify(command.traceHeaders) : null,
    finishing: write.finishing,
    channel: SAGA_FINISHED_CHANNEL,
    historyEvent: history.event,
    historyStep: history.stepIndex,
    historyDirection: history.direction,
    historyOutcome: history.outcome,
    historyMessageId: history.messageId,
    historyReason: history.reason,
    historyActor: history.actor,
    statusBefore: history.statusBefore,
    note: history.note,
  });
  return rows.length === 1;
};
