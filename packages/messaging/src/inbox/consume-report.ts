import { contractOf } from '@ordering/contracts';
import type { Logger, ServiceMetrics } from '@ordering/platform';
import { sharedCounter } from '../runtime/registered-metrics.js';
import type { ConsumeOptions, ConsumeResult } from './consume-types.js';

/** Every consume ends here: one count and one log line per outcome, one count per redelivery. */
export interface ConsumeReport {
  finish(result: ConsumeResult, context: Record<string, unknown>): ConsumeResult;
  /** One count per delivery, however many reasons it has to be a redelivery. */
  countRedelivery(result: ConsumeResult, options: ConsumeOptions | undefined): void;
}

// Label values come from untrusted input: only catalog types become labels.
const labelOf = (type: string | null | undefined): string => (type && contractOf(type) ? type : 'unknown');

const logOutcome = (log: Logger, result: ConsumeResult, context: Record<string, unknown>): void => {
  const fields = { ...context, messageId: result.messageId, type: result.type, outcome: result.outcome };
  if (result.outcome === 'dead-lettered')
    log.error({ ...fields, error: result.error, deadLetterId: result.deadLetterId }, 'message dead-lettered');
  else if (result.outcome === 'retry') log.warn({ ...fields, error: result.error }, 'message failed, the sender will retry it');
  else log.debug(fields, 'message consumed');
};

export const createConsumeReport = (metrics: ServiceMetrics, log: Logger, handledTypes: Iterable<string>): ConsumeReport => {
  const registry = metrics.registry;
  const consumed = sharedCounter(registry, 'messages_consumed_total', 'Messages received by the consumer runtime, by outcome', [
    'type',
    'outcome',
  ]);
  const redelivered = sharedCounter(
    registry,
    'messages_redelivered_total',
    'Deliveries of a message this consumer had already processed, or that the broker marked redelivered',
    ['type'],
  );
  // From 0, so that rate() sees the first redelivery of each handled type.
  for (const type of handledTypes) redelivered.inc({ type }, 0);

  return {
    finish(result, context) {
      consumed.inc({ type: labelOf(result.type), outcome: result.outcome });
      logOutcome(log, result, context);
      return result;
    },
    countRedelivery(result, options) {
      if (result.outcome === 'duplicate' || options?.redelivered === true) redelivered.inc({ type: labelOf(result.type) });
    },
  };
};
