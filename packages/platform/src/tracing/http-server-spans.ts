import { context, SpanKind, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SERVICE_ATTRIBUTE } from './message-spans.js';
import { contextFromHeaders, tracer } from './trace-context.js';

const spans = new WeakMap<FastifyRequest, Span>();

/**
 * A SERVER span per request, continuing the caller's `traceparent`. The rest of the request runs inside the
 * span's context (hooks and handler are continuations of `done`), so log lines, SQL spans and outgoing messages
 * join the same trace. `service` becomes the `ordering.service` attribute (tests run several services under one
 * tracer provider, so the resource's service name cannot tell them apart there).
 */
export const registerHttpServerSpans = (app: FastifyInstance, options: { service?: string } = {}): void => {
  const service = options.service ? { [SERVICE_ATTRIBUTE]: options.service } : {};
  app.addHook('onRequest', (request, _reply, done) => {
    const parent = contextFromHeaders(request.headers);
    const route = request.routeOptions.url ?? 'unmatched';
    const span = tracer().startSpan(`${request.method} ${route}`, { kind: SpanKind.SERVER }, parent);
    // Without an exporter the span only carries ids (see correlation-only-tracing): nothing to fill in or end.
    if (span.isRecording()) {
      span.setAttributes({
        'http.request.method': request.method,
        'http.route': route,
        'url.path': request.url.split('?')[0] ?? '',
        ...service,
      });
      spans.set(request, span);
    }
    context.with(trace.setSpan(parent, span), done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: 2 });
      span.end();
    }
    done();
  });
};
