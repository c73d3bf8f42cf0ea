import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { startCorrelationOnlyTracing } from './correlation-only-tracing.js';

export interface TracingSettings {
  service: string;
  /**
   * OTLP/HTTP collector base URL. Without it (and without `spanProcessors`) spans are not recorded at all: only
   * their ids exist, so log lines and outgoing requests and messages still carry the trace.
   */
  otlpEndpoint?: string;
  /** Extra processors, e.g. an in-memory exporter in tests. */
  spanProcessors?: SpanProcessor[];
}

export interface Tracing {
  /** True when spans are recorded for a processor or an exporter; false when only trace ids flow (see above). */
  readonly recording: boolean;
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
  if (processors.length === 0) return { recording: false, ...startCorrelationOnlyTracing() };
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.service }),
    spanProcessors: processors,
    instrumentations: [],
    // Resource detectors resolve asynchronously and delay every export; the service name is what we need.
    autoDetectResources: false,
  });
  sdk.start();
  return { recording: true, shutdown: () => sdk.shutdown() };
};

export * from './trace-context.js';
export * from './message-spans.js';
export * from './compensation-mark.js';
