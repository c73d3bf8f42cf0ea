import type { SagaEngine, SagaFilters } from '@ordering/saga';
import type { OrchestratorDatabase } from '../db/orchestrator-database.js';

export interface AdminSagaReadDeps {
  database: OrchestratorDatabase;
  engine: SagaEngine;
  /** The clock the filters' ages count back from. */
  now?: () => Date;
}

export const nowOf = (deps: { now?: () => Date }): Date => deps.now?.() ?? new Date();

/** The console's filters as the API names them (console-api.md). */
export interface AdminSagaFilterInput {
  type?: string | undefined;
  reason?: string | undefined;
  customerId?: string | undefined;
  olderThanSeconds?: number | undefined;
  newerThanSeconds?: number | undefined;
  /** A saga id, order id or customer id. */
  q?: string | undefined;
}

const secondsBefore = (now: Date, seconds: number): Date => new Date(now.getTime() - seconds * 1000);

/** The saga package's filters: ages become instants here, so its queries never read a clock. */
export const sagaFiltersOf = (input: AdminSagaFilterInput, now: Date): SagaFilters => ({
  ...(input.type !== undefined ? { type: input.type } : {}),
  ...(input.reason !== undefined ? { reason: input.reason } : {}),
  ...(input.customerId !== undefined ? { ownerId: input.customerId } : {}),
  ...(input.olderThanSeconds !== undefined ? { olderThan: secondsBefore(now, input.olderThanSeconds) } : {}),
  ...(input.newerThanSeconds !== undefined ? { newerThan: secondsBefore(now, input.newerThanSeconds) } : {}),
  ...(input.q !== undefined ? { search: input.q } : {}),
});
