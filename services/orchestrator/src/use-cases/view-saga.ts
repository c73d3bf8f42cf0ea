import { notFound, type Principal } from '@ordering/platform';
import { findSaga, type SagaEngine, type SagaFinishedListener, type SagaView } from '@ordering/saga';
import type { OrchestratorDatabase } from '../db/orchestrator-database.js';
import { presentOrderSaga, type OrderSagaJson } from './present-order-saga.js';

const present = (engine: SagaEngine, view: SagaView): OrderSagaJson => {
  const definition = engine.definitionOf(view.saga.type);
  if (!definition) throw new Error(`no definition for saga type ${view.saga.type}`);
  return presentOrderSaga(view, definition);
};

/** The owner or an admin sees a saga; anyone else gets the same 404 as for a missing one. */
export const viewSaga = async (
  deps: { database: OrchestratorDatabase; engine: SagaEngine },
  principal: Principal,
  sagaId: string,
): Promise<OrderSagaJson> => {
  const view = await findSaga(deps.database.db, sagaId);
  if (!view || (principal.role !== 'admin' && view.saga.ownerId !== principal.customerId)) throw notFound('No such saga');
  return present(deps.engine, view);
};

const TERMINAL = new Set(['COMPLETED', 'ABORTED']);

export const isTerminal = (saga: OrderSagaJson): boolean => TERMINAL.has(saga.status);

/** Polls while the saga-finished signal is down: from 25 ms up to 250 ms, cheap under many waiting requests. */
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 250;
/** With the signal up, a poll is only the safety net for a lost signal. */
const SIGNALLED_POLL_MS = 1_000;

/**
 * Holds a request until the saga is terminal or the time is up. Replies may be handled by another replica, so the
 * saga is re-read from the database: when the saga-finished signal (PostgreSQL NOTIFY, sent on commit by whichever
 * replica finished it) arrives, or at the next poll.
 */
export const awaitTerminalSaga = async (
  deps: { database: OrchestratorDatabase; engine: SagaEngine; finishedSagas?: SagaFinishedListener },
  principal: Principal,
  saga: OrderSagaJson,
  seconds: number,
): Promise<OrderSagaJson> => {
  const deadline = Date.now() + seconds * 1000;
  const watch = deps.finishedSagas?.watch(saga.sagaId);
  try {
    let current = saga;
    for (let delay = FIRST_POLL_MS; !isTerminal(current) && Date.now() < deadline; delay = Math.min(delay * 2, MAX_POLL_MS)) {
      const pause = Math.min(deps.finishedSagas?.listening() ? SIGNALLED_POLL_MS : delay, Math.max(deadline - Date.now(), 0));
      await (watch ? watch.next(pause) : new Promise((resolve) => setTimeout(resolve, pause)));
      current = await viewSaga(deps, principal, saga.sagaId);
    }
    return current;
  } finally {
    watch?.close();
  }
};
