import { context, propagation, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

export const tracer = (): Tracer => trace.getTracer('ordering');

export type TraceHeaders = { traceparent?: string; tracestate?: string };

/** The active trace context as W3C headers, to put on an outgoing request or message. */
export const currentTraceHeaders = (from: Context = context.active()): TraceHeaders => {
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  return {
    ...(carrier['traceparent'] ? { traceparent: carrier['traceparent'] } : {}),
    ...(carrier['tracestate'] ? { tracestate: carrier['tracestate'] } : {}),
  };
};

/** The envelope schema's limits (W3C: traceparent is 55 characters; tracestate is propagated up to 512). */
const MAX_TRACEPARENT = 128;
const MAX_TRACESTATE = 512;

/**
 * The active trace context as W3C headers, or undefined when no span is active. Cheap when tracing is off (no
 * registered provider: no span is ever active), so it suits hot paths such as creating every message.
 */
export const activeTraceHeaders = (): TraceHeaders | undefined => {
  const active = context.active();
  const spanContext = trace.getSpanContext(active);
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  const headers = currentTraceHeaders(active);
  if (!headers.traceparent || headers.traceparent.length > MAX_TRACEPARENT) return undefined;
  if (headers.tracestate !== undefined && headers.tracestate.length > MAX_TRACESTATE) return { traceparent: headers.traceparent };
  return headers;
};

/**
 * The context a caller sent us (HTTP headers or a message's envelope headers), on top of `base` (the active
 * context by default). Without a valid `traceparent` it is `base` unchanged.
 */
export const contextFromHeaders = (headers: Record<string, unknown>, base: Context = context.active()): Context =>
  propagation.extract(base, headers, {
    get: (carrier, key) => {
      const value = (carrier as Record<string, unknown>)[key];
      return typeof value === 'string' ? value : undefined;
    },
    keys: (carrier) => Object.keys(carrier as object),
  });

/** Runs `work` inside a new span, ending it (with the error recorded) however `work` finishes. */
export const inSpan = async <T>(span: Span, work: () => Promise<T>): Promise<T> =>
  context.with(trace.setSpan(context.active(), span), async () => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: 2 });
      throw error;
    } finally {
      span.end();
    }
  });

/**
 * Runs `work` without creating spans, e.g. a background poll whose idle SQL would otherwise start a new trace
 * every few hundred milliseconds. Spans started from an explicit context of their own (a message's) still exist.
 */
export const withoutTracing = <T>(work: () => T): T => context.with(suppressTracing(context.active()), work);

/** For log lines: the ids of the span active right now, if any. */
export const activeSpanIds = (): { traceId: string; spanId: string } | undefined => {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : undefined;
};
