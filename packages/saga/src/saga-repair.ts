import { eq } from 'drizzle-orm';
import { isUuid, type SqlExecutor } from '@ordering/platform';
import { stateOf, type ApplyTransition } from './apply-transition.js';
import type { SagaDefinition } from './saga-definition.js';
import type { SagaEngineContext } from './saga-engine-context.js';
import { SagaNotFoundError, SagaRepairNotAllowedError } from './saga-errors.js';
import { findSagaView, latestCommandTraceHeaders, loadSteps } from './saga-reads.js';
import type { SagaDatabase, SagaRecord, SagaView } from './saga-records.js';
import { legalRepairs, type RepairAction } from './saga-repairs.js';
import { sagas } from './saga-schema.js';
import { decide, expectedDirection } from './saga-state-machine.js';

/** An operator's repair of one saga: what to do, who asks and why (both kept in the saga's history). */
export interface RepairInput {
  sagaId: string;
  action: RepairAction;
  /** The operator (an admin's customer id). */
  actor: string;
  why: string;
}

/** The repairs the engine accepts for a saga as it is now. */
export const legalRepairsOf = (view: SagaView, definition: SagaDefinition): RepairAction[] =>
  legalRepairs(
    stateOf(
      view.saga,
      definition,
      view.steps.map((step) => step.status),
    ),
  );

/**
 * Waits for whatever transition holds the saga (a reply, a sweep) and then holds it itself. A repair is rare and
 * off the hot path, so this is a plain query, not a prepared statement.
 */
const lockSaga = async (tx: SqlExecutor, sagaId: string): Promise<SagaRecord | undefined> => {
  const [saga] = await tx.select().from(sagas).where(eq(sagas.id, sagaId)).for('update');
  return saga;
};

/**
 * Applies a repair in one transaction: lock the saga, then read its steps (a statement after the lock sees what the
 * transition it waited for committed), decide, and write the transition with its history row like any other. A
 * refused repair throws and leaves the saga, its history and the outbox as they were.
 */
export const createSagaRepairer =
  (context: SagaEngineContext, apply: ApplyTransition) =>
  async (db: SagaDatabase, input: RepairInput): Promise<SagaView> => {
    if (!isUuid(input.sagaId)) throw new SagaNotFoundError(input.sagaId);
    return db.transaction(async (tx) => {
      const saga = await lockSaga(tx, input.sagaId);
      if (!saga) throw new SagaNotFoundError(input.sagaId);
      const definition = context.definitionFor(saga.type);
      const state = stateOf(
        saga,
        definition,
        (await loadSteps(tx, saga.id)).map((step) => step.status),
      );
      const decision = decide(state, { kind: 'repair', action: input.action }, context.policy);
      if (decision.kind === 'ignore') throw new SagaRepairNotAllowedError(saga.id, input.action, saga.status, legalRepairs(state));
      // Outside a request's span, a command sent again stays in the trace of the saga's latest send, like the sweeper's.
      await apply(tx, saga, definition, decision, {
        causationId: null,
        headers: await latestCommandTraceHeaders(tx, saga.id),
        history: {
          event: 'repair',
          stepIndex: saga.currentStep,
          direction: expectedDirection(saga.status),
          outcome: input.action,
          messageId: null,
          reason: input.why,
          actor: input.actor,
        },
      });
      context.logger.info(
        {
          sagaId: saga.id,
          sagaType: saga.type,
          action: input.action,
          actor: input.actor,
          statusBefore: saga.status,
          status: decision.status,
        },
        'saga repaired by an operator',
      );
      const view = await findSagaView(tx, saga.id);
      if (!view) throw new SagaNotFoundError(saga.id);
      return view;
    });
  };
