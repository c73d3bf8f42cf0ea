import type { Envelope } from '@ordering/contracts';
import { sql } from 'drizzle-orm';
import type { SqlExecutor } from '@ordering/platform';
import { prepareStatement } from './prepared-statement.js';
import type { SagaRecord, SagaStepRecord, SagaView } from './saga-records.js';
import type { Direction, SagaStatus, StepStatus } from './saga-state-machine.js';

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
  ), history as (
    insert into saga_history (saga_id, at, event, step_index, direction, status_before, status_after)
    select saga.id, ${sql.placeholder('at')}::timestamptz, 'started', ${sql.placeholder('commandStep')}::int, ${sql.placeholder('direction')},
           ${sql.placeholder('status')}, ${sql.placeholder('status')}
      from saga
  )
  select id from saga`,
);

/**
 * A new saga, its step rows, the record of its first command and its `started` history row, in one statement. The
 * caller built every row, so nothing is read back: the returned view is what was written. With `oneActivePerKey`,
 * nothing is written and the result is undefined when a saga of the type that has not ABORTED already holds the
 * business key.
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
