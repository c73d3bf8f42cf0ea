import type { ChannelModel } from 'amqplib';
import type { ConsumerQueue } from './amqp-topology.js';
import { isRepairedMessage, replayCopy } from './dead-letter-replay.js';
import { closeQuietly, getUpTo, openQueue, queuesOf, withConnection, withLocated } from './dlq-channels.js';
import { toDeadLetter, type DeadLetterQueueOptions, type QueuedDeadLetter, type ReplayedDeadLetter } from './queued-dead-letter.js';

export type { DeadLetterQueueOptions, QueuedDeadLetter, ReplayedDeadLetter } from './queued-dead-letter.js';
export { isRepairedMessage, RepairedMessageRefusedError } from './dead-letter-replay.js';

export const DEFAULT_DEAD_LETTER_LIMIT = 100;

const peekQueue = async (connection: ChannelModel, consumerQueue: ConsumerQueue, limit: number): Promise<QueuedDeadLetter[]> => {
  const opened = await openQueue(() => connection.createChannel(), consumerQueue.dlq);
  if (!opened) return [];
  try {
    return (await getUpTo(opened.channel, consumerQueue.dlq, limit)).map((message) => toDeadLetter(consumerQueue, message));
  } finally {
    await closeQuietly(opened.channel);
  }
};

const newestFirst = (a: QueuedDeadLetter, b: QueuedDeadLetter): number => (b.deadAt ?? '').localeCompare(a.deadAt ?? '');

/**
 * Peeks the DLQs on a connection the caller holds (a service's own): up to `limit` messages from the head of each
 * queue, merged newest first and cut to `limit`. Nothing is consumed: the messages are held unacked and requeued,
 * in order, when each channel closes.
 */
export const listQueuedDeadLettersOn = async (
  connection: ChannelModel,
  options: DeadLetterQueueOptions & { limit?: number } = {},
): Promise<QueuedDeadLetter[]> => {
  const limit = options.limit ?? DEFAULT_DEAD_LETTER_LIMIT;
  const letters: QueuedDeadLetter[] = [];
  for (const consumerQueue of queuesOf(options)) letters.push(...(await peekQueue(connection, consumerQueue, limit)));
  return letters.sort(newestFirst).slice(0, limit);
};

/** {@link listQueuedDeadLettersOn} on a connection of its own, closed afterwards (the dlq tool). */
export const listQueuedDeadLetters = async (
  brokerUrl: string,
  options: DeadLetterQueueOptions & { limit?: number } = {},
): Promise<QueuedDeadLetter[]> => withConnection(brokerUrl, (connection) => listQueuedDeadLettersOn(connection, options));

/** The dead letter with this id, held only while it is read: it stays in its DLQ, in its place. */
export const findQueuedDeadLetterOn = async (
  connection: ChannelModel,
  id: string,
  options: DeadLetterQueueOptions = {},
): Promise<QueuedDeadLetter | undefined> =>
  withLocated(
    () => connection.createChannel(),
    id,
    options,
    async (_channel, located) => toDeadLetter(located.consumerQueue, located.message),
  );

export const findQueuedDeadLetter = async (
  brokerUrl: string,
  id: string,
  options: DeadLetterQueueOptions = {},
): Promise<QueuedDeadLetter | undefined> => withConnection(brokerUrl, (connection) => findQueuedDeadLetterOn(connection, id, options));

export type QueuedReplayOptions = DeadLetterQueueOptions & { message?: unknown; operatorToken?: string | undefined };

/**
 * Publishes the original body (or the repaired `message`) to the dead letter's consumer queue with publisher
 * confirms, then acks it off the DLQ. A crash in between leaves both copies: the consumer's inbox makes the
 * second delivery a duplicate, whereas acking first could lose the message. Undefined when no DLQ holds the id.
 */
export const replayQueuedDeadLetterOn = async (
  connection: ChannelModel,
  id: string,
  options: QueuedReplayOptions = {},
): Promise<ReplayedDeadLetter | undefined> => {
  if (options.message !== undefined && !isRepairedMessage(options.message))
    throw new TypeError('A repaired message must be a JSON object (an envelope)');
  return withLocated(
    () => connection.createConfirmChannel(),
    id,
    options,
    (channel, located) => replayCopy(channel, id, located, options.message, options.operatorToken),
  );
};

/** {@link replayQueuedDeadLetterOn} on a connection of its own, closed afterwards (the dlq tool). */
export const replayQueuedDeadLetter = async (
  brokerUrl: string,
  id: string,
  options: QueuedReplayOptions = {},
): Promise<ReplayedDeadLetter | undefined> => withConnection(brokerUrl, (connection) => replayQueuedDeadLetterOn(connection, id, options));
