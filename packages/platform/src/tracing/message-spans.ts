import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { COMPENSATING_ATTRIBUTE, takeCompensationMark } from './compensation-mark.js';
import { contextFromHeaders, tracer } from './trace-context.js';

/** What a message span needs to know of an envelope (structurally a subset of the contracts' Envelope). */
export interface TracedMessage {
  id: string;
  type: string;
  destination: string;
  correlationId: string;
  /** W3C trace context of whoever created the message: `traceparent`, `tracestate`. */
  headers?: Record<string, unknown> | undefined;
}

export interface MessageSpanSettings {
  /** The service sending or processing the message; becomes the `ordering.service` attribute. */
  service: string;
  /**
   * `messaging.system`: the transport's name. 'rabbitmq' is the registered value for AMQP; the HTTP push transport
   * has no registered value, so it is 'http', the same word as the `transport` label of our metrics (ADR 0020).
   */
  system: string;
}

/** The part of a message span its code may touch. */
export interface MessageSpan {
  setAttribute(key: string, value: string | number | boolean): void;
  /** Marks the span as failed (ERROR status), with the exception recorded when there is one. */
  fail(error: unknown, description?: string): void;
}

/** The attribute naming the service a span belongs to (all services share one provider in the system tests). */
export const SERVICE_ATTRIBUTE = 'ordering.service';

const asMessageSpan = (span: Span): MessageSpan => ({
  setAttribute: (key, value) => {
    span.setAttribute(key, value);
  },
  fail: (error, description) => {
    if (!span.isRecording()) return;
    if (error instanceof Error) span.recordException(error);
    const message = description ?? (error instanceof Error ? error.message : typeof error === 'string' ? error : undefined);
    span.setStatus({ code: SpanStatusCode.ERROR, ...(message ? { message } : {}) });
    if (error instanceof Error) span.setAttribute('error.type', error.name);
  },
});

/**
 * OTel messaging conventions: `messaging.destination.name` is the logical destination, the receiving service (its
 * queue), for both transports; a RabbitMQ exchange would name one of two shared exchanges and say nothing. The
 * message type is ours (`ordering.message.type`): the conventions have no attribute for it.
 */
const messageAttributes = (message: TracedMessage, settings: MessageSpanSettings, operation: 'send' | 'process'): Attributes => ({
  'messaging.system': settings.system,
  'messaging.operation.type': operation,
  'messaging.operation.name': operation,
  'messaging.destination.name': message.destination,
  'messaging.message.id': message.id,
  'messaging.message.conversation_id': message.correlationId,
  'ordering.message.type': message.type,
  [SERVICE_ATTRIBUTE]: settings.service,
});

/** Runs `work` as the active span, ending it however `work` finishes; a throw is recorded and rethrown. */
const runIn = async <T>(span: Span, parent: Context, work: (span: MessageSpan) => Promise<T>): Promise<T> => {
  const handle = asMessageSpan(span);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(handle));
  } catch (error) {
    handle.fail(error);
    throw error;
  } finally {
    span.end();
  }
};

/** Span names follow the conventions: `{messaging.operation.name} {destination}`, low cardinality. */
const spanName = (operation: 'send' | 'process', message: TracedMessage): string => `${operation} ${message.destination}`;

/**
 * A PRODUCER span `send <destination>` around one delivery attempt, a child of the context the message carries (its
 * creator's span), not of whatever is active: a relay batch publishes messages of many traces. `work` runs with
 * the span active, so a transport that injects `currentTraceHeaders()` into its request carries this span.
 */
export const inProducerSpan = <T>(
  message: TracedMessage,
  settings: MessageSpanSettings,
  work: (span: MessageSpan) => Promise<T>,
): Promise<T> => {
  const { compensating, context: parent } = takeCompensationMark(contextFromHeaders(message.headers ?? {}, ROOT_CONTEXT));
  const span = tracer().startSpan(spanName('send', message), { kind: SpanKind.PRODUCER }, parent);
  if (span.isRecording())
    span.setAttributes({ ...messageAttributes(message, settings, 'send'), ...(compensating ? { [COMPENSATING_ATTRIBUTE]: true } : {}) });
  return runIn(span, parent, work);
};

/**
 * A CONSUMER span `process <destination>`, a child of the context the message carries, so the work a message causes
 * (its handler's SQL, the replies and next commands it creates) joins the trace that sent it. The span that
 * delivered it (e.g. the HTTP request of `POST /internal/messages`), if any, is kept as a link.
 */
export const inConsumerSpan = <T>(
  message: TracedMessage,
  settings: MessageSpanSettings,
  work: (span: MessageSpan) => Promise<T>,
): Promise<T> => {
  const active = context.active();
  const { compensating, context: parent } = takeCompensationMark(contextFromHeaders(message.headers ?? {}, active));
  const delivery = trace.getSpanContext(active);
  const parentSpan = trace.getSpanContext(parent);
  const links: Link[] =
    delivery && trace.isSpanContextValid(delivery) && delivery.spanId !== parentSpan?.spanId
      ? [{ context: delivery, attributes: { 'ordering.link': 'delivery' } }]
      : [];
  const span = tracer().startSpan(spanName('process', message), { kind: SpanKind.CONSUMER, links }, parent);
  if (span.isRecording()) {
    span.setAttributes({
      ...messageAttributes(message, settings, 'process'),
      'messaging.consumer.group.name': settings.service,
      ...(compensating ? { [COMPENSATING_ATTRIBUTE]: true } : {}),
    });
  }
  return runIn(span, parent, work);
};
