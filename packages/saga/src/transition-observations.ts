import type { Envelope } from '@ordering/contracts';
import type { SagaDefinition } from './saga-definition.js';
import type { SagaEngineContext } from './saga-engine-context.js';
import { NO_REASON, type STEP_TIMED_OUT } from './saga-metrics.js';
import type { SagaRecord } from './saga-records.js';
import type { Direction, Transition } from './saga-state-machine.js';

/** The step a transition settles (its reply arrived, or it timed out for good), for its duration. */
export interface SettledStep {
  stepIndex: number;
  direction: Direction;
  outcome: 'SUCCEEDED' | 'FAILED' | typeof STEP_TIMED_OUT;
  /** When its first command was sent. */
  startedAt: Date;
}

/** A written transition, as the metrics and the log see it. */
export interface WrittenTransition {
  saga: SagaRecord;
  definition: SagaDefinition;
  transition: Transition;
  envelope: Envelope | undefined;
  settled: SettledStep | undefined;
  finishing: boolean;
  at: Date;
}

const secondsBetween = (from: Date, to: Date): number => Math.max(0, to.getTime() - from.getTime()) / 1000;

/** From memory only: the times it needs came with the rows the transition was decided on (no statement of its own). */
const recordStepMetrics = ({ metrics }: SagaEngineContext, { saga, definition, transition, settled, at }: WrittenTransition): void => {
  const type = saga.type;
  const nameOf = (stepIndex: number): string => definition.steps[stepIndex]?.name ?? String(stepIndex);
  if (settled) {
    metrics.stepDuration.observe(
      { type, step: nameOf(settled.stepIndex), direction: settled.direction, outcome: settled.outcome },
      secondsBetween(settled.startedAt, at),
    );
  }
  const send = transition.send;
  if (send && send.attempt > 1) metrics.stepRetries.inc({ type, step: nameOf(send.stepIndex) });
  if (send && send.direction === 'COMPENSATION' && send.attempt === 1) metrics.compensations.inc({ type, step: nameOf(send.stepIndex) });
};

const recordFinish = ({ metrics }: SagaEngineContext, { saga, transition, at }: WrittenTransition): void => {
  metrics.finished.inc({ type: saga.type, status: transition.status, reason: transition.reason ?? NO_REASON });
  metrics.duration.observe({ type: saga.type, status: transition.status }, secondsBetween(saga.createdAt, at));
};

const logTransition = ({ logger }: SagaEngineContext, { saga, definition, transition, envelope }: WrittenTransition): void => {
  const fields = {
    sagaId: saga.id,
    sagaType: saga.type,
    step: definition.steps[transition.currentStep]?.name,
    status: transition.status,
    reason: transition.reason ?? undefined,
    messageId: envelope?.id,
    messageType: envelope?.type,
    attempt: transition.send?.attempt,
  };
  switch (transition.note) {
    case 'timed-out':
      return logger.warn(fields, 'saga step timed out, compensating');
    case 'retry-after-failure':
      return logger.warn(fields, 'saga step failed, it will be sent again after a backoff');
    case 'resent':
      return logger.info(fields, 'saga command sent again');
    default:
      // Every saga passes through these: at info they were a log line per step per saga (issue 10).
      return logger.debug(fields, `saga ${transition.note}`);
  }
};

/** The metrics and the log line of a transition that was written. */
export const observeTransition = (context: SagaEngineContext, written: WrittenTransition): void => {
  recordStepMetrics(context, written);
  if (written.finishing) recordFinish(context, written);
  logTransition(context, written);
};
