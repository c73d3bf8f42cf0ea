import type { Envelope } from '@ordering/contracts';
import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { SqlExecutor } from '@ordering/platform';
import { prepareStatement } from './prepared-statement.js';
import { sagaColumns, sagaOf, type SagaRow, type SagaStepRecord, type SagaView } from './saga-records.js';
import { sagaCommands, sagaSteps } from './saga-schema.js';

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

export const loadSteps = (tx: SqlExecutor, sagaId: string): Promise<SagaStepRecord[]> =>
  tx.select().from(sagaSteps).where(eq(sagaSteps.sagaId, sagaId)).orderBy(asc(sagaSteps.stepIndex));

export const loadStepsOf = async (tx: SqlExecutor, sagaIds: string[]): Promise<Map<string, SagaStepRecord[]>> => {
  const bySaga = new Map<string, SagaStepRecord[]>(sagaIds.map((id) => [id, []]));
  if (sagaIds.length === 0) return bySaga;
  const rows = await tx
    .select()
    .from(sagaSteps)
    .where(inArray(sagaSteps.sagaId, sagaIds))
    .orderBy(asc(sagaSteps.sagaId), asc(sagaSteps.stepIndex));
  for (const row of rows) bySaga.get(row.sagaId)?.push(row);
  return bySaga;
};
