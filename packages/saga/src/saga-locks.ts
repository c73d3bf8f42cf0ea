import { and, asc, lt, sql } from 'drizzle-orm';
import type { SqlExecutor } from '@ordering/platform';
import { prepareStatement } from './prepared-statement.js';
import { sagaColumns, sagaOf, type SagaRecord, type SagaRow } from './saga-records.js';
import { loadSteps } from './saga-reads.js';
import { sagas } from './saga-schema.js';
import type { Direction, StepStatus } from './saga-state-machine.js';

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
  const stepStatuses =
    row.seenVersion === row.version ? (row.stepStatuses ?? []) : (await loadSteps(tx, saga.id)).map((step) => step.status);
  return { stepIndex: row.stepIndex, direction: row.direction, saga, stepStatuses, stepStartedAt: new Date(row.stepStartedAt) };
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
