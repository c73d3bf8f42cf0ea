import { context, propagation, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingSettings {
  service: string;
  /** OTLP/HTTP collector base URL; without it spans still exist (for log correlation) but are not exported. */
  otlpEndpoint?: string;
  /** Extra processors, e.g. an in-memory exporter in tests. */
  spanProcessors?: SpanProcessor[];
}

export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK with W3C trace-context propagation. Spans are created by our own hooks (HTTP
 * server, outgoing HTTP, messages, SQL) rather than by monkey-patching loaders, which does not work for ESM.
 */
export const startTracing = (settings: TracingSettings): Tracing => {
  const processors = [...(settings.spanProcessors ?? [])];
  if (settings.otlpEndpoint) {
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${settings.otlpEndpoint.replace(/\/$/, '')}/v1/traces` })));
  }
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.service }),
    spanProcessors: processors,
    instrumentations: [],
    // Resource detectors resolve asynchronously and delay every export; the service name is what we need.
    autoDetectResources: false,
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
};

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

/** The context a caller sent us (HTTP headers or a message's envelope headers). */
export const contextFromHeaders = (headers: Record<string, unknown>): Context =>
  propagation.extract(context.active(), headers, {
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

/** For log lines: the ids of the span active right now, if any. */
export const activeSpanIds = (): { traceId: string; spanId: string } | undefined => {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : undefined;
};
