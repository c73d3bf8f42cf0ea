import type { Logger, ServiceMetrics } from '@ordering/platform';
import type { SagaDefinition } from './saga-definition.js';
import { UnknownSagaTypeError } from './saga-errors.js';
import { createSagaMetrics, initialiseSagaMetrics, type SagaMetrics } from './saga-metrics.js';
import type { RetryPolicy } from './saga-state-machine.js';

export interface SagaEngineOptions {
  definitions: readonly SagaDefinition[];
  /** The sending service: the `source` of every command. */
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
  /** How long to wait for the reply to a first send (default 10 s); later sends wait longer (backoff). */
  stepTimeoutMs?: number;
  /** Sends of a compensatable step before it times out and the saga compensates (default 3). */
  maxForwardAttempts?: number;
  /** The cap of the backoff between resends (default 60 s). */
  retryBackoffMs?: number;
  /** Sagas claimed per sweeper transaction (default 20). */
  sweepBatchSize?: number;
  /** The clock; deadlines and timestamps use it, so tests move time instead of sleeping. */
  now?: () => Date;
}

/** What starting, replies and the sweep share: the definitions, the policy, the clock and the instruments. */
export interface SagaEngineContext {
  service: string;
  definitions: ReadonlyMap<string, SagaDefinition>;
  policy: RetryPolicy;
  sweepBatchSize: number;
  clock: () => Date;
  logger: Logger;
  metrics: SagaMetrics;
  definitionFor(type: string): SagaDefinition;
}

const positive = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return value;
};

const indexDefinitions = (list: readonly SagaDefinition[]): Map<string, SagaDefinition> => {
  const definitions = new Map<string, SagaDefinition>();
  for (const definition of list) {
    if (definitions.has(definition.type)) throw new Error(`saga type '${definition.type}' is defined twice`);
    definitions.set(definition.type, definition);
  }
  return definitions;
};

/** Validates the options once and registers the metrics of every definition. */
export const createSagaEngineContext = (options: SagaEngineOptions): SagaEngineContext => {
  const definitions = indexDefinitions(options.definitions);
  const metrics = createSagaMetrics(options.metrics.registry);
  initialiseSagaMetrics(metrics, options.definitions);
  return {
    service: options.service,
    definitions,
    policy: {
      stepTimeoutMs: positive('stepTimeoutMs', options.stepTimeoutMs ?? 10_000),
      maxForwardAttempts: positive('maxForwardAttempts', options.maxForwardAttempts ?? 3),
      retryBackoffMs: positive('retryBackoffMs', options.retryBackoffMs ?? 60_000),
    },
    sweepBatchSize: positive('sweepBatchSize', options.sweepBatchSize ?? 20),
    clock: options.now ?? (() => new Date()),
    logger: options.logger.child({ component: 'saga-engine' }),
    metrics,
    definitionFor(type) {
      const definition = definitions.get(type);
      if (!definition) throw new UnknownSagaTypeError(type);
      return definition;
    },
  };
};
