import { trace, type Attributes, type Context } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import type { TraceHeaders } from './trace-context.js';

/** On the span where a saga decides to compensate, and on both spans of every compensation message. */
export const COMPENSATING_ATTRIBUTE = 'ordering.saga.compensating';

/**
 * A compensation command is marked in its envelope's W3C `tracestate` (entry `ordering=compensation`), not in a
 * header of its own: the envelope schema allows only the trace context, and the mark must survive the outbox row,
 * a relay in another replica and the broker. The message spans read it and remove it from the context they pass
 * on, so the participant's reply (and anything after it) is not marked.
 */
const MARK_KEY = 'ordering';
const MARK_VALUE = 'compensation';

const withMark = (tracestate: string | undefined, marked: boolean): string => {
  const state = new TraceState(tracestate).unset(MARK_KEY);
  return (marked ? state.set(MARK_KEY, MARK_VALUE) : state).serialize();
};

/** The trace headers for a saga command: marked when it is a compensation, the mark removed otherwise. */
export const markCompensation = (headers: TraceHeaders, compensation: boolean): TraceHeaders => {
  if (!headers.traceparent) return headers;
  const tracestate = withMark(headers.tracestate, compensation);
  return tracestate ? { traceparent: headers.traceparent, tracestate } : { traceparent: headers.traceparent };
};

/** Whether `parent` carries the mark, and `parent` without it (what the message span and its work continue). */
export const takeCompensationMark = (parent: Context): { compensating: boolean; context: Context } => {
  const spanContext = trace.getSpanContext(parent);
  const state = spanContext?.traceState;
  if (!spanContext || state?.get(MARK_KEY) !== MARK_VALUE) return { compensating: false, context: parent };
  return { compensating: true, context: trace.setSpanContext(parent, { ...spanContext, traceState: state.unset(MARK_KEY) }) };
};

/** Adds attributes to the span active right now, if it records (a no-op when only trace ids flow). */
export const annotateActiveSpan = (attributes: Attributes): void => {
  const span = trace.getActiveSpan();
  if (span?.isRecording()) span.setAttributes(attributes);
};
