import type { Envelope } from '@ordering/contracts';
import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { SqlExecutor } from '@ordering/platform';
import { prepareStatement } from './prepared-statement.js';
import { SAGA_FINISHED_CHANNEL } from './saga-finished-signal.js';
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

const sagaColumns = (alias: string) =>
  sql.raw(
    [
      'id',
      'type',
      'status',
      'current_step as "currentStep"',
      'data',
      'reason',
      'version',
      'step_attempt as "stepAttempt"',
      'deadline_at as "deadlineAt"',
      'business_key as "businessKey"',
      'owner_id as "ownerId"',
      'created_at as "createdAt"',
      'updated_at as "updatedAt"',
      'finished_at as "finishedAt"',
    ]
      .map((column) => `${alias}.${column}`)
      .join(', '),
  );

/** A saga row as a prepared statement returns it: timestamps as text (see prepared-statement.ts). */
type SagaRow = Omit<SagaRecord, 'deadlineAt' | 'createdAt' | 'updatedAt' | 'finishedAt'> & {
  deadlineAt: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
};

const dateOrNull = (value: string | null): Date | null => (value === null ? null : new Date(value));

const sagaOf = (row: SagaRow): SagaRecord => ({
  id: row.id,
  type: row.type,
  status: row.status,
  currentStep: row.currentStep,
  data: row.data,
  reason: row.reason,
  version: row.version,
  stepAttempt: row.stepAttempt,
  deadlineAt: dateOrNull(row.deadlineAt),
  businessKey: row.businessKey,
  ownerId: row.ownerId,
  createdAt: new Date(row.createdAt),
  updatedAt: new Date(row.updatedAt),
  finishedAt: dateOrNull(row.finishedAt),
});

/** A new saga's first command, recorded with the saga so its reply can be matched. */
export interface FirstCommand {
  messageId: string;
  traceHeaders: Envelope['headers'];
}

const insertSagaStatement = prepareStatement<
  {
    id: string;
    type: string;
    status: SagaStatus;
    currentStep: number;
    data: string;
    stepAttempt: number;
    deadlineAt: Date | null;
    businessKey: string;
    ownerId: string;
    oneActivePerKey: boolean;
    at: Date;
    stepIndexes: number[];
    stepNames: string[];
    stepStatuses: StepStatus[];
    stepAttempts: number[];
    messageId: string;
    commandStep: number;
    direction: Direction;
    attempt: number;
    traceHeaders: string;
  },
  { id: string }
>(
  'saga_insert',
  sql`with saga as (
    insert into sagas (id, type, status, current_step, data, reason, version, step_attempt, deadline_at, business_key, owner_id, created_at, updated_at)
    select ${sql.placeholder('id')}::uuid, ${sql.placeholder('type')}, ${sql.placeholder('status')}, ${sql.placeholder('currentStep')}::int,
           ${sql.placeholder('data')}::jsonb, null, 1, ${sql.placeholder('stepAttempt')}::int, ${sql.placeholder('deadlineAt')}::timestamptz,
           ${sql.placeholder('businessKey')}, ${sql.placeholder('ownerId')}, ${sql.placeholder('at')}::timestamptz, ${sql.placeholder('at')}::timestamptz
     where not (${sql.placeholder('oneActivePerKey')}::boolean and exists (
             select 1 from sagas active
              where active.type = ${sql.placeholder('type')} and active.business_key = ${sql.placeholder('businessKey')} and active.status <> 'ABORTED'))
    returning id
  ), steps as (
    insert into saga_steps (saga_id, step_index, name, status, attempts, compensation_attempts, updated_at)
    select saga.id, step.step_index, step.name, step.status, step.attempts, 0, ${sql.placeholder('at')}::timestamptz
      from saga, unnest(${sql.placeholder('stepIndexes')}::int[], ${sql.placeholder('stepNames')}::text[], ${sql.placeholder('stepStatuses')}::text[],
                        ${sql.placeholder('stepAttempts')}::int[]) as step(step_index, name, status, attempts)
  ), command as (
    insert into saga_commands (message_id, saga_id, step_index, direction, attempt, sent_at, trace_headers)
    select ${sql.placeholder('messageId')}::uuid, saga.id, ${sql.placeholder('commandStep')}::int, ${sql.placeholder('direction')},
           ${sql.placeholder('attempt')}::int, ${sql.placeholder('at')}::timestamptz, ${sql.placeholder('traceHeaders')}::jsonb
      from saga
  )
  select id from saga`,
);

const lockBusinessKeyStatement = prepareStatement<{ type: string; businessKey: string }, unknown>(
  'saga_lock_business_key',
  sql`select pg_advisory_xact_lock(hashtext(${sql.placeholder('type')}), hashtext(${sql.placeholder('businessKey')}))`,
);

/**
 * Serialises the starts of one saga type for one business key until the transaction ends. It must be a statement of
 * its own: the insert that checks for an active saga then takes its snapshot after the lock, so it sees a saga that
 * a start it waited for committed. (A hash collision only makes two unrelated keys wait for each other.)
 */
export const lockBusinessKey = async (tx: SqlExecutor, type: string, businessKey: string): Promise<void> => {
  await lockBusinessKeyStatement.run(tx, { type, businessKey });
};

/**
 * A new saga, its step rows and the record of its first command, in one statement. The caller built every row, so
 * nothing is read back: the returned view is what was written. With `oneActivePerKey`, nothing is written and the
 * result is undefined when a saga of the type that has not ABORTED already holds the business key.
 */
export const insertSaga = async (
  tx: SqlExecutor,
  saga: Omit<SagaRecord, 'reason' | 'version' | 'finishedAt'>,
  steps: Pick<SagaStepRecord, 'stepIndex' | 'name' | 'status' | 'attempts'>[],
  command: FirstCommand & { stepIndex: number; direction: Direction; attempt: number },
  oneActivePerKey: boolean,
): Promise<SagaView | undefined> => {
  const at = saga.createdAt;
  const inserted = await insertSagaStatement.run(tx, {
    id: saga.id,
    type: saga.type,
    status: saga.status,
    currentStep: saga.currentStep,
    data: JSON.stringify(saga.data),
    stepAttempt: saga.stepAttempt,
    deadlineAt: saga.deadlineAt,
    businessKey: saga.businessKey,
    ownerId: saga.ownerId,
    oneActivePerKey,
    at,
    stepIndexes: steps.map((step) => step.stepIndex),
    stepNames: steps.map((step) => step.name),
    stepStatuses: steps.map((step) => step.status),
    stepAttempts: steps.map((step) => step.attempts),
    messageId: command.messageId,
    commandStep: command.stepIndex,
    direction: command.direction,
    attempt: command.attempt,
    traceHeaders: JSON.stringify(command.traceHeaders),
  });
  if (inserted.length === 0) return undefined;
  return {
    saga: { ...saga, reason: null, version: 1, finishedAt: null },
    steps: steps.map((step) => ({ ...step, sagaId: saga.id, compensationAttempts: 0, updatedAt: at })),
  };
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

type StepJson = Omit<SagaStepRecord, 'updatedAt'> & { updatedAt: string };

const findSagaStatement = prepareStatement<{ sagaId: string }, SagaRow & { steps: StepJson[] | null }>(
  'saga_find',
  sql`select ${sagaColumns('saga')},
             (select json_agg(json_build_object('sagaId', step.saga_id, 'stepIndex', step.step_index, 'name', step.name, 'status', step.status,
                                                'attempts', step.attempts, 'compensationAttempts', step.compensation_attempts, 'updatedAt', step.updated_at)
                              order by step.step_index)
                from saga_steps step where step.saga_id = saga.id) as steps
        from sagas saga
       where saga.id = ${sql.placeholder('sagaId')}::uuid`,
);

/** A saga with its step rows in one statement (a `?wait` request reads it again each time it is woken). */
export const findSagaView = async (tx: SqlExecutor, sagaId: string): Promise<SagaView | undefined> => {
  const [row] = await findSagaStatement.run(tx, { sagaId });
  if (!row) return undefined;
  return { saga: sagaOf(row), steps: (row.steps ?? []).map((step) => ({ ...step, updatedAt: new Date(step.updatedAt) })) };
};

/** A reply's command and its saga, locked: what the engine decides the reply on. */
export interface CommandAndSaga {
  stepIndex: number;
  direction: Direction;
  saga: SagaRecord;
  /** The saga's step statuses, in step order. */
  stepStatuses: StepStatus[];
  /** When the first command of this step and direction was sent (resends come later): a step's duration starts here. */
  stepStartedAt: Date;
}

const lockSagaOfCommandStatement = prepareStatement<
  { messageId: string },
  SagaRow & { stepIndex: number; direction: Direction; seenVersion: number; stepStatuses: StepStatus[] | null; stepStartedAt: string }
>(
  'saga_lock_of_command',
  sql`select command.step_index as "stepIndex", command.direction, ${sagaColumns('saga')},
             (select seen.version from sagas seen where seen.id = saga.id) as "seenVersion",
             (select array_agg(step.status order by step.step_index) from saga_steps step where step.saga_id = saga.id) as "stepStatuses",
             (select min(first.sent_at) from saga_commands first
               where first.saga_id = saga.id and first.step_index = command.step_index and first.direction = command.direction) as "stepStartedAt"
        from saga_commands command
        join sagas saga on saga.id = command.saga_id
       where command.message_id = ${sql.placeholder('messageId')}::uuid
         for update of saga`,
);

/**
 * Finds the command a reply answers, locks its saga and reads the saga's steps and when the step's first command
 * was sent (through saga_commands_saga_idx: a saga has a handful of command rows), in one statement. The lock
 * serialises everything that happens to one saga: replies and sweeps wait for each other here.
 *
 * When the lock had to wait for another transaction that changed the saga, FOR UPDATE returns the saga row as that
 * transaction left it, but the steps come from the snapshot taken before the wait. The saga's version tells: the
 * one this statement's snapshot saw differs from the locked row's, and the steps are read again (a rare second
 * statement, only under contention).
 */
export const lockSagaOfCommand = async (tx: SqlExecutor, messageId: string): Promise<CommandAndSaga | undefined> => {
  const [row] = await lockSagaOfCommandStatement.run(tx, { messageId });
  if (!row) return undefined;
  const saga = sagaOf(row);
  const stepStatuses = row.seenVersion === row.version ? (row.stepStatuses ?? []) : (await loadSteps(tx, saga.id)).map((step) => step.status);
  return { stepIndex: row.stepIndex, direction: row.direction, saga, stepStatuses, stepStartedAt: new Date(row.stepStartedAt) };
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

export interface TransitionWrite {
  sagaId: string;
  expectedVersion: number;
  changes: SagaChanges;
  steps: StepChange[];
  command: SentCommand | null;
  /** The saga becomes terminal: signal it on commit (a `?wait` request answers now instead of at its next poll). */
  finishing: boolean;
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
  )
  select saga.id, case when ${sql.placeholder('finishing')}::boolean then pg_notify(${sql.placeholder('channel')}, saga.id::text) end as signalled
    from saga`,
);

/**
 * Writes one transition in one statement: the saga row (only at the version the caller read, bumping it), its step
 * rows, the record of the command it sends, and the saga-finished signal. Returns false, having changed nothing,
 * when the saga is no longer at that version. Each step row is updated once (a new status and a send on one step
 * are one change), since a statement cannot update one row twice.
 */
export const writeTransition = async (tx: SqlExecutor, write: TransitionWrite): Promise<boolean> => {
  const { changes, command } = write;
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
  });
  return rows.length === 1;
};

/**
 * Claims sagas whose deadline passed. SKIP LOCKED lets several sweepers (replicas) share the work without
 * waiting on each other or touching the same saga twice; a saga a reply is processing right now is left alone.
 * The status list is literal SQL so the planner finds the few running sagas through sagas_status_created_idx
 * (deadline_at has no index of its own: it changes on every transition, see saga-schema.ts).
 */
export const claimDueSagas = (tx: SqlExecutor, now: Date, limit: number): Promise<SagaRecord[]> =>
  tx
    .select()
    .from(sagas)
    .where(and(sql`${sagas.status} in ('RUNNING', 'COMPENSATING')`, lt(sagas.deadlineAt, now)))
    .orderBy(asc(sagas.deadlineAt))
    .limit(limit)
    .for('update', { skipLocked: true });
