import type { Envelope } from '@ordering/contracts';
import { annotateActiveSpan, COMPENSATING_ATTRIBUTE, markCompensation } from '@ordering/platform';
import type { Transition } from './saga-state-machine.js';

/**
 * Records a saga transition on the span it is decided in (the consumer span of the reply; the sweeper has none)
 * and returns the trace headers for the command it sends. A transition that starts or continues compensating
 * marks that span and its compensation command, so the collector's tail sampling keeps the whole trace.
 */
export const traceTransition = (sagaType: string, transition: Transition, headers: Envelope['headers']): Envelope['headers'] => {
  const compensationSent = transition.send?.direction === 'COMPENSATION';
  annotateActiveSpan({
    'ordering.saga.type': sagaType,
    'ordering.saga.status': transition.status,
    ...(compensationSent || transition.status === 'COMPENSATING' ? { [COMPENSATING_ATTRIBUTE]: true } : {}),
  });
  return transition.send ? markCompensation(headers, compensationSent) : headers;
};
