import { createHash } from 'node:crypto';
import type { Message } from 'amqplib';
import { DEAD_LETTER_HEADERS, type ConsumerQueue } from './amqp-topology.js';

/** A message parked in a `<queue>.dlq`, as an operator sees it. */
export interface QueuedDeadLetter {
  /** `x-dead-letter-id`; a hash of queue and body for a message that arrived without one. */
  id: string;
  /** The dead-letter queue it sits in. */
  queue: string;
  /** Where a replay sends it. */
  consumerQueue: string;
  service: string;
  messageId: string | null;
  messageType: string | null;
  error: string;
  attempts: number;
  deadAt: string | null;
  /** The parsed JSON body, or `{ raw: text }` when the body is not JSON. */
  message: unknown;
}

export interface DeadLetterQueueOptions {
  namespace?: string;
  /** Only this service's queues. */
  service?: string;
}

export interface ReplayedDeadLetter {
  id: string;
  /** The consumer queue it was published to, and the service consuming it. */
  queue: string;
  service: string;
  messageId: string | null;
}

const headerText = (value: unknown): string | null =>
  typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : null;

export const parseBody = (content: Buffer): unknown => {
  const text = content.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { raw: text };
  }
};

/** Stable across peeks, so a message someone put into a DLQ by hand can still be shown and replayed. */
const fallbackId = (queue: string, content: Buffer): string =>
  createHash('sha256').update(queue).update('\n').update(content).digest('hex').slice(0, 32);

export const headersOf = (message: Message): Record<string, unknown> => (message.properties.headers ?? {}) as Record<string, unknown>;

export const idOf = (consumerQueue: ConsumerQueue, message: Message): string =>
  headerText(headersOf(message)[DEAD_LETTER_HEADERS.id]) ?? fallbackId(consumerQueue.dlq, message.content);

export const toDeadLetter = (consumerQueue: ConsumerQueue, message: Message): QueuedDeadLetter => {
  const headers = headersOf(message);
  const attempts = Number(headers[DEAD_LETTER_HEADERS.attempts]);
  return {
    id: idOf(consumerQueue, message),
    queue: consumerQueue.dlq,
    consumerQueue: consumerQueue.queue,
    service: consumerQueue.service,
    messageId: typeof message.properties.messageId === 'string' ? message.properties.messageId : null,
    messageType: typeof message.properties.type === 'string' ? message.properties.type : null,
    error: headerText(headers[DEAD_LETTER_HEADERS.error]) ?? '',
    attempts: Number.isFinite(attempts) ? attempts : 0,
    deadAt: headerText(headers[DEAD_LETTER_HEADERS.deadAt]),
    message: parseBody(message.content),
  };
};
