import { notFound } from '@ordering/platform';
import { loadSagaTimeline, presentSagaTimeline, type SagaEngine } from '@ordering/saga';
import type { OrchestratorDatabase } from '../db/orchestrator-database.js';
import { presentAdminTimeline, type AdminSagaTimeline } from './present-admin-saga.js';

export interface SagaTimelineDeps {
  database: OrchestratorDatabase;
  engine: SagaEngine;
  /** TRACING_UI_URL: where the timeline links the saga's trace. */
  tracingUiUrl?: string | undefined;
}

/** Everything an operator reads about one saga; 404 NOT_FOUND when there is none. */
export const viewSagaTimeline = async (deps: SagaTimelineDeps, sagaId: string): Promise<AdminSagaTimeline> => {
  const records = await loadSagaTimeline(deps.database.db, sagaId);
  if (!records) throw notFound('No such saga');
  const definition = deps.engine.definitionOf(records.saga.type);
  if (!definition) throw new Error(`no definition for saga type ${records.saga.type}`);
  const timeline = presentSagaTimeline(records, definition, deps.tracingUiUrl ? { traceUrlTemplate: deps.tracingUiUrl } : {});
  return presentAdminTimeline(timeline);
};
