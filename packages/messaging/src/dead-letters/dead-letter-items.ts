import type { QueuedDeadLetter } from '../transports/amqp/queued-dead-letter.js';
import type { DeadLetterItem } from './dead-letter-admin-schemas.js';
import { BROKER_DEAD_LETTERS, HTTP_DEAD_LETTERS } from './dead-letter-metrics.js';
import type { DeadLetter } from './dead-letter-store.js';

/** A row of the service's `dead_letters` table: its queue is the service itself. */
export const itemOfRow = (service: string, letter: DeadLetter): DeadLetterItem => ({
  id: letter.id,
  transport: HTTP_DEAD_LETTERS,
  service,
  queue: service,
  messageId: letter.messageId,
  messageType: letter.messageType,
  error: letter.error,
  attempts: letter.attempts,
  deadAt: letter.deadAt.toISOString(),
  replayedAt: letter.replayedAt ? letter.replayedAt.toISOString() : null,
  message: letter.message,
});

/** A message in a `<queue>.dlq`: a replayed one leaves the queue, so it is never shown as replayed. */
export const itemOfQueued = (letter: QueuedDeadLetter): DeadLetterItem => ({
  id: letter.id,
  transport: BROKER_DEAD_LETTERS,
  service: letter.service,
  queue: letter.queue,
  messageId: letter.messageId,
  messageType: letter.messageType,
  error: letter.error,
  attempts: letter.attempts,
  deadAt: letter.deadAt,
  replayedAt: null,
  message: letter.message,
});

/** A DLQ message put there by hand has no (or no readable) dead-at time: it sorts last. */
const timeOf = (item: DeadLetterItem): number => {
  const time = item.deadAt === null ? Number.NaN : Date.parse(item.deadAt);
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
};

export const newestFirst = (a: DeadLetterItem, b: DeadLetterItem): number => {
  const [left, right] = [timeOf(a), timeOf(b)];
  return left === right ? 0 : right > left ? 1 : -1;
};
