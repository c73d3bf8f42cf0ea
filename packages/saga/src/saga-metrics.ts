import { Counter, Histogram, type Registry } from 'prom-client';

export interface SagaMetrics {
  started: Counter<'type'>;
  finished: Counter<'type' | 'status' | 'reason'>;
  duration: Histogram<'type' | 'status'>;
  staleReplies: Counter<'type'>;
  stepRetries: Counter<'type' | 'step'>;
}

/** Label value of `reason` on a saga that completed. */
export const NO_REASON = 'NONE';

/**
 * Reuses metrics already on the registry: an engine may be rebuilt in the same process (tests do it after every
 * transaction), and registering a name twice would throw.
 */
const counter = <L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> =>
  (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });

export const createSagaMetrics = (registry: Registry): SagaMetrics => ({
  started: counter(registry, 'saga_started_total', 'Sagas started, by saga type', ['type']),
  finished: counter(registry, 'saga_finished_total', 'Sagas that reached COMPLETED or ABORTED, with the abort reason', ['type', 'status', 'reason']),
  duration: (registry.getSingleMetric('saga_duration_seconds') as Histogram<'type' | 'status'> | undefined) ??
    new Histogram({
      name: 'saga_duration_seconds',
      help: 'Time from the start of a saga to its terminal state',
      labelNames: ['type', 'status'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
  staleReplies: counter(registry, 'saga_stale_replies_total', 'Replies ignored because they were late, duplicated or for a finished saga', ['type']),
  stepRetries: counter(registry, 'saga_step_retries_total', 'Commands resent after a timeout or a failed reply', ['type', 'step']),
});
