import { randomUUID } from 'node:crypto';
import type { Envelope } from '@ordering/contracts';

export interface NewMessage<P> {
  type: string;
  source: string;
  destination: string;
  payload: P;
  correlationId: string;
  causationId?: string | null;
  replyTo?: string;
  headers?: Envelope['headers'];
}

export const createEnvelope = <P>(message: NewMessage<P>): Envelope<P> => ({
  id: randomUUID(),
  type: message.type,
  source: message.source,
  destination: message.destination,
  correlationId: message.correlationId,
  causationId: message.causationId ?? null,
  ...(message.replyTo ? { replyTo: message.replyTo } : {}),
  occurredAt: new Date().toISOString(),
  headers: message.headers ?? {},
  payload: message.payload,
});

/** A reply goes back to whoever asked, in the same conversation, caused by the command it answers. */
export const createReply = <P>(command: Envelope, reply: { type: string; source: string; payload: P }): Envelope<P> =>
  createEnvelope({
    type: reply.type,
    source: reply.source,
    destination: command.replyTo ?? command.source,
    payload: reply.payload,
    correlationId: command.correlationId,
    causationId: command.id,
    headers: command.headers,
  });

/** An event is delivered to each subscriber as its own copy (same id, one destination each). */
export const fanOutEvent = <P>(event: Envelope<P>, subscribers: readonly string[]): Envelope<P>[] =>
  subscribers.map((destination) => ({ ...event, destination }));
