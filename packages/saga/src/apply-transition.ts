import type { Envelope } from '@ordering/contracts';
import { enqueueMessages } from '@ordering/messaging';
import { activeTraceHeaders, type SqlExecutor } from '@ordering/platform';
import { buildCommand } from './saga-command.js';
import type { SagaDefinition, SucceededReply } from './saga-definition.js';
import type { SagaEngineContext } from './saga-engine-context.js';
import { SagaVersionConflictError } from './saga-errors.js';
import type { SagaRecord } from './saga-records.js';
import { writeTransition, type HistoryEntry, type StepChange } from './saga-writes.js';
import { isTerminal, type SagaState, type StepStatus, type Transition } from './saga-state-machine.js';
import { traceTransition } from './saga-tracing.js';
import { observeTransition, type SettledStep } from './transition-observations.js';

/** What caused a transition: a reply (its success payload folds into the data), a passed deadline or a repair. */
export interface TransitionCause {
  reply?: SucceededReply;
  causationId: string | null;
  headers: Envelope['headers'];
  settled?: SettledStep;
  /** The saga_history row the transition leaves, written with it. */
  history: HistoryEntry;
}

export type ApplyTransition = (
  tx: SqlExecutor,
  saga: SagaRecord,
  definition: SagaDefinition,
  transition: Transition,
  cause: TransitionCause,
) => Promise<void>;

/** The state `decide()` reads, from the saga row and its step statuses in step order. */
export const stateOf = (saga: SagaRecord, definition: SagaDefinition, stepStatuses: readonly StepStatus[]): SagaState => {
  if (stepStatuses.length !== definition.steps.length) {
    throw new Error(
      `saga ${saga.id} has ${stepStatuses.length} step rows but its definition '${definition.type}' has ${definition.steps.length} steps`,
    );
  }
  return {
    status: saga.status,
    currentStep: saga.currentStep,
    stepAttempt: saga.stepAttempt,
    reason: saga.reason,
    steps: definition.steps.map((step, index) => ({ kind: step.kind, status: stepStatuses[index] ?? 'PENDING' })),
  };
};

/** The step rows a transition touches: its status changes and the send it counts, one change per row. */
const stepChangesOf = (transition: Transition): StepChange[] => {
  const changes = new Map<number, StepChange>();
  const changeOf = (stepIndex: number): StepChange => {
    const existing = changes.get(stepIndex);
    if (existing) return existing;
    const created: StepChange = { stepIndex, status: null, forwardSends: 0, compensationSends: 0 };
    changes.set(stepIndex, created);
    return created;
  };
  for (const change of transition.stepChanges) changeOf(change.stepIndex).status = change.status;
  if (transition.send) {
    const counted = changeOf(transition.send.stepIndex);
    if (transition.send.direction === 'FORWARD') counted.forwardSends += 1;
    else counted.compensationSends += 1;
  }
  return [...changes.values()];
};

/**
 * Writes one transition: the saga row (version-checked), the step rows, the next command, the saga_history row and
 * the command's outbox row, all in `tx`.
 */
export const createTransitionApplier =
  (context: SagaEngineContext): ApplyTransition =>
  async (tx, saga, definition, transition, cause) => {
    const now = context.clock();
    const folded = transition.foldReplyOf === null || !cause.reply ? undefined : definition.steps[transition.foldReplyOf];
    const data = folded && cause.reply ? folded.onSuccess(saga.data, cause.reply) : saga.data;
    // Inside the consumer span of the reply, so the next command continues the orchestrator's part of the trace.
    const headers = traceTransition(saga.type, transition, activeTraceHeaders() ?? cause.headers);
    const envelope = transition.send
      ? buildCommand(definition, transition.send, {
          service: context.service,
          sagaId: saga.id,
          data,
          reason: transition.reason,
          causationId: cause.causationId,
          headers,
        })
      : undefined;
    const finishing = isTerminal(transition.status);
    const written = await writeTransition(tx, {
      sagaId: saga.id,
      expectedVersion: saga.version,
      changes: {
        status: transition.status,
        currentStep: transition.currentStep,
        stepAttempt: transition.stepAttempt,
        reason: transition.reason,
        data,
        deadlineAt: transition.deadlineInMs === null ? null : new Date(now.getTime() + transition.deadlineInMs),
        updatedAt: now,
        finishedAt: finishing ? now : null,
      },
      steps: stepChangesOf(transition),
      command: transition.send && envelope ? { ...transition.send, messageId: envelope.id, traceHeaders: envelope.headers } : null,
      finishing,
      history: { ...cause.history, statusBefore: saga.status, note: transition.note },
    });
    if (!written) throw new SagaVersionConflictError(saga.id, saga.version);
    if (envelope) await enqueueMessages(tx, [envelope]);
    observeTransition(context, { saga, definition, transition, envelope, settled: cause.settled, finishing, at: now });
  };
