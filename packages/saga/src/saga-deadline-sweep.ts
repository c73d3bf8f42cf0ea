import type { SqlExecutor } from '@ordering/platform';
import { stateOf, type ApplyTransition } from './apply-transition.js';
import type { SagaEngineContext } from './saga-engine-context.js';
import { STEP_TIMED_OUT } from './saga-metrics.js';
import { claimDueSagas } from './saga-locks.js';
import { latestCommandTraceHeaders, loadSteps } from './saga-reads.js';
import type { SagaDatabase, SagaRecord } from './saga-records.js';
import { updateSaga } from './saga-writes.js';
import { decide, expectedDirection, type Transition } from './saga-state-machine.js';
import type { SettledStep } from './transition-observations.js';

export interface SweepResult {
  /** Sagas whose deadline had passed and that this pass took. */
  claimed: number;
  /** Commands or compensations sent again (with a new message id). */
  resent: number;
  /** Compensatable steps given up after their last attempt: the saga started compensating (or aborted). */
  timedOut: number;
  /** Sagas that could not be handled (logged, postponed). */
  failed: number;
}

/** Batches of one pass at most: each saga swept gets a deadline in the future, so a pass ends; the cap keeps it short under load. */
const MAX_BATCHES_PER_PASS = 50;

const onDeadline = async (
  context: SagaEngineContext,
  apply: ApplyTransition,
  tx: SqlExecutor,
  saga: SagaRecord,
): Promise<Transition['note'] | undefined> => {
  const definition = context.definitionFor(saga.type);
  const steps = await loadSteps(tx, saga.id);
  const decision = decide(
    stateOf(
      saga,
      definition,
      steps.map((step) => step.status),
    ),
    { kind: 'deadline' },
    context.policy,
  );
  if (decision.kind === 'ignore') return undefined;
  // A forward step's row turned RUNNING when its first command was sent, and resends leave its time alone.
  const startedAt = steps[saga.currentStep]?.updatedAt;
  const settled: SettledStep | undefined =
    decision.note === 'timed-out' && startedAt
      ? { stepIndex: saga.currentStep, direction: 'FORWARD', outcome: STEP_TIMED_OUT, startedAt }
      : undefined;
  // The sweeper traces nothing of its own; the command it sends continues the trace of the saga's latest send.
  await apply(tx, saga, definition, decision, {
    causationId: null,
    headers: await latestCommandTraceHeaders(tx, saga.id),
    ...(settled ? { settled } : {}),
    history: {
      event: 'deadline',
      stepIndex: saga.currentStep,
      direction: expectedDirection(saga.status),
      outcome: null,
      messageId: null,
      reason: null,
      actor: null,
    },
  });
  return decision.note;
};

/** A saga that cannot be handled is looked at again later instead of on every pass. */
const postpone = async (context: SagaEngineContext, tx: SqlExecutor, saga: SagaRecord): Promise<void> => {
  const now = context.clock();
  await updateSaga(tx, saga.id, saga.version, {
    status: saga.status,
    currentStep: saga.currentStep,
    stepAttempt: saga.stepAttempt,
    reason: saga.reason,
    data: saga.data,
    deadlineAt: new Date(now.getTime() + context.policy.retryBackoffMs),
    updatedAt: now,
    finishedAt: saga.finishedAt,
  });
};

const sweepBatch = (context: SagaEngineContext, apply: ApplyTransition, db: SagaDatabase, result: SweepResult): Promise<number> =>
  db.transaction(async (tx) => {
    const due = await claimDueSagas(tx, context.clock(), context.sweepBatchSize);
    for (const saga of due) {
      try {
        // A savepoint per saga: one broken saga must not roll back the others of its batch.
        const note = await tx.transaction((savepoint) => onDeadline(context, apply, savepoint, saga));
        if (note === 'resent') result.resent += 1;
        if (note === 'timed-out') result.timedOut += 1;
      } catch (error) {
        result.failed += 1;
        context.logger.error({ err: error, sagaId: saga.id, sagaType: saga.type }, 'saga sweep failed for this saga, postponed');
        await postpone(context, tx, saga);
      }
    }
    return due.length;
  });

/** One pass over sagas whose deadline passed: resend, time out, or retry compensations, a batch per transaction. */
export const createDeadlineSweep =
  (context: SagaEngineContext, apply: ApplyTransition) =>
  async (db: SagaDatabase): Promise<SweepResult> => {
    const result: SweepResult = { claimed: 0, resent: 0, timedOut: 0, failed: 0 };
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS; batch += 1) {
      const claimed = await sweepBatch(context, apply, db, result);
      result.claimed += claimed;
      if (claimed < context.sweepBatchSize) break;
    }
    return result;
  };
