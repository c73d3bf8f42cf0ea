import { sql } from 'drizzle-orm';
import type { SqlExecutor } from '@ordering/platform';
import type { sagaCommands, sagas, sagaSteps } from './saga-schema.js';
import type { SagaStatus } from './saga-state-machine.js';

/** The saga tables' row types, and the mapping of a saga row a prepared statement returns. */

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

export const sagaColumns = (alias: string) =>
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
export type SagaRow = Omit<SagaRecord, 'deadlineAt' | 'createdAt' | 'updatedAt' | 'finishedAt'> & {
  deadlineAt: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
};

const dateOrNull = (value: string | null): Date | null => (value === null ? null : new Date(value));

export const sagaOf = (row: SagaRow): SagaRecord => ({
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
