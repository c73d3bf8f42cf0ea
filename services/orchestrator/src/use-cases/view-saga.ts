import { notFound, type Principal } from '@ordering/platform';
import { findSaga, listSagas, presentSaga, type SagaEngine, type SagaJson, type SagaListQuery } from '@ordering/saga';
import type { OrchestratorDatabase } from '../db/orchestrator-database.js';

const present = (engine: SagaEngine, view: { saga: Parameters<typeof presentSaga>[0]; steps: Parameters<typeof presentSaga>[1] }): SagaJson => {
  const definition = engine.definitionOf(view.saga.type);
  if (!definition) throw new Error(`no definition for saga type ${view.saga.type}`);
  return presentSaga(view.saga, view.steps, definition);
};

/** The owner or an admin sees a saga; anyone else gets the same 404 as for a missing one. */
export const viewSaga = async (deps: { database: OrchestratorDatabase; engine: SagaEngine }, principal: Principal, sagaId: string): Promise<SagaJson> => {
  const view = await findSaga(deps.database.db, sagaId);
  if (!view || (principal.role !== 'admin' && view.saga.customerId !== principal.customerId)) throw notFound('No such saga');
  return present(deps.engine, view);
};

export const listAllSagas = async (deps: { database: OrchestratorDatabase; engine: SagaEngine }, query: SagaListQuery) => {
  const page = await listSagas(deps.database.db, query);
  return { items: page.items.map((view) => present(deps.engine, view)), nextCursor: page.nextCursor };
};

const TERMINAL = new Set(['COMPLETED', 'ABORTED']);

export const isTerminal = (saga: SagaJson): boolean => TERMINAL.has(saga.status);

/**
 * Holds a request until the saga is terminal or the time is up. Replies may be handled by another replica, so
 * this polls the database, backing off from 25 ms to 250 ms to stay cheap under many waiting requests.
 */
export const awaitTerminalSaga = async (
  deps: { database: OrchestratorDatabase; engine: SagaEngine },
  principal: Principal,
  saga: SagaJson,
  seconds: number,
): Promise<SagaJson> => {
  const deadline = Date.now() + seconds * 1000;
  let current = saga;
  for (let delay = 25; !isTerminal(current) && Date.now() < deadline; delay = Math.min(delay * 2, 250)) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(deadline - Date.now(), 0))));
    current = await viewSaga(deps, principal, saga.sagaId);
  }
  return current;
};
