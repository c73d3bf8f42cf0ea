import { randomUUID } from 'node:crypto';
import type { Envelope } from '@ordering/contracts';
import { activeTraceHeaders } from '@ordering/platform';

export interface NewMessage<P> {
  type: string;
  source: string;
  destination: string;
  payload: P;
  correlationId: string;
  causationId?: string | null;
  replyTo?: string;
  /** Trace context to carry. Without a `traceparent` here, the active span's context (if any) is captured. */
  headers?: Envelope['headers'];
}

/** Given trace headers win; otherwise the active span's, so the receiver's work joins the sender's trace. */
const traceHeaders = (given: Envelope['headers'] | undefined): Envelope['headers'] => {
  if (given?.traceparent) return given;
  const active = activeTraceHeaders();
  return active ? { ...given, ...active } : (given ?? {});
};

/**
 * A new message. Created inside a span (an HTTP request, a consumer's handler), it carries that span's trace
 * context in `headers`, unless the caller passes a `traceparent` of its own.
 */
export const createEnvelope = <P>(message: NewMessage<P>): Envelope<P> => ({
  id: randomUUID(),
  type: message.type,
  source: message.source,
  destination: message.destination,
  correlationId: message.correlationId,
  causationId: message.causationId ?? null,
  ...(message.replyTo ? { replyTo: message.replyTo } : {}),
  occurredAt: new Date().toISOString(),
  headers: traceHeaders(message.headers),
  payload: message.payload,
});

/**
 * A reply goes back to whoever asked, in the same conversation, caused by the command it answers. Its trace
 * context is the active span's (in a consumer, the span processing the command), else the command's.
 */
export const createReply = <P>(command: Envelope, reply: { type: string; source: string; payload: P }): Envelope<P> =>
  createEnvelope({
    type: reply.type,
    source: reply.source,
    destination: command.replyTo ?? command.source,
    payload: reply.payload,
    correlationId: command.correlationId,
    causationId: command.id,
    headers: activeTraceHeaders() ?? command.headers,
  });

/** An event is delivered to each subscriber as its own copy (same id, one destination each). */
export const fanOutEvent = <P>(event: Envelope<P>, subscribers: readonly string[]): Envelope<P>[] =>
  subscribers.map((destination) => ({ ...event, destination }));
