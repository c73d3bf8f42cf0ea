import { sharedCounter as counter, sharedHistogram as histogram } from '@ordering/messaging';
import type { Counter, Histogram, Registry } from 'prom-client';
import type { SagaDefinition } from './saga-definition.js';

export interface SagaMetrics {
  started: Counter<'type'>;
  finished: Counter<'type' | 'status' | 'reason'>;
  duration: Histogram<'type' | 'status'>;
  staleReplies: Counter<'type'>;
  stepRetries: Counter<'type' | 'step'>;
  /** direction FORWARD|COMPENSATION; outcome SUCCEEDED|FAILED|TIMEOUT. */
  stepDuration: Histogram<'type' | 'step' | 'direction' | 'outcome'>;
  /** Compensations started, by the step being undone. */
  compensations: Counter<'type' | 'step'>;
}

/** Label value of `reason` on a saga that completed. */
export const NO_REASON = 'NONE';

/** Outcome of a step whose participant never answered its last attempt. */
export const STEP_TIMED_OUT = 'TIMEOUT';

const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** A step answered right away takes milliseconds; one resent until it timed out takes a minute or more. */
const STEP_DURATION_BUCKETS = [0.005, ...DURATION_BUCKETS];

/** An engine may be rebuilt in the same process (tests do it after every transaction): the metrics are shared. */
export const createSagaMetrics = (registry: Registry): SagaMetrics => ({
  started: counter(registry, 'saga_started_total', 'Sagas started, by saga type', ['type']),
  finished: counter(registry, 'saga_finished_total', 'Sagas that reached COMPLETED or ABORTED, with the abort reason', [
    'type',
    'status',
    'reason',
  ]),
  duration: histogram(
    registry,
    'saga_duration_seconds',
    'Time from the start of a saga to its terminal state',
    ['type', 'status'],
    DURATION_BUCKETS,
  ),
  staleReplies: counter(registry, 'saga_stale_replies_total', 'Replies ignored because they were late, duplicated or for a finished saga', [
    'type',
  ]),
  stepRetries: counter(registry, 'saga_step_retries_total', 'Commands resent after a timeout or a failed reply', ['type', 'step']),
  stepDuration: histogram(
    registry,
    'saga_step_duration_seconds',
    "Time from a step's command first sent to the reply that settled it, or to its timeout",
    ['type', 'step', 'direction', 'outcome'],
    STEP_DURATION_BUCKETS,
  ),
  compensations: counter(registry, 'saga_compensations_total', 'Compensations started, by the step being undone', ['type', 'step']),
});

/**
 * Series every running orchestrator has from its start, at 0: rate() and increase() need a sample before the first
 * increment, or the first saga, the first abort's companion, the first compensation go unseen.
 */
export const initialiseSagaMetrics = (metrics: SagaMetrics, definitions: readonly SagaDefinition[]): void => {
  for (const definition of definitions) {
    const type = definition.type;
    metrics.started.inc({ type }, 0);
    metrics.finished.inc({ type, status: 'COMPLETED', reason: NO_REASON }, 0);
    for (const step of definition.steps) {
      if (step.compensation) metrics.compensations.inc({ type, step: step.name }, 0);
    }
  }
};
