import amqp, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { allConsumerQueues, type ConsumerQueue } from './amqp-topology.js';
import { idOf, type DeadLetterQueueOptions } from './queued-dead-letter.js';

export const queuesOf = (options: DeadLetterQueueOptions): ConsumerQueue[] =>
  allConsumerQueues(options.namespace).filter((queue) => options.service === undefined || queue.service === options.service);

export const withConnection = async <T>(brokerUrl: string, work: (connection: ChannelModel) => Promise<T>): Promise<T> => {
  const connection = await amqp.connect(brokerUrl);
  // amqplib emits 'error' on the connection and on channels: without listeners they would crash the process.
  connection.on('error', () => {});
  try {
    return await work(connection);
  } finally {
    await connection.close().catch(() => {});
  }
};

/** Closing the channel is what puts every message we got and did not ack back, in its original order. */
export const closeQuietly = (channel: Channel): Promise<void> => channel.close().catch(() => {});

/**
 * Opens a fresh channel on one DLQ and checks it passively (never declares it: its arguments belong to the
 * topology). A DLQ that does not exist yet closes that channel with 404; it simply holds nothing.
 */
export const openQueue = async <C extends Channel>(
  open: () => Promise<C>,
  queue: string,
): Promise<{ channel: C; depth: number } | undefined> => {
  const channel = await open();
  channel.on('error', () => {});
  try {
    const { messageCount } = await channel.checkQueue(queue);
    return { channel, depth: messageCount };
  } catch (error) {
    await closeQuietly(channel);
    if ((error as { code?: unknown }).code === 404) return undefined;
    throw error;
  }
};

/** `basic.get` without auto-ack until the queue is empty or `limit` messages are held (unacked) on the channel. */
export const getUpTo = async (
  channel: Channel,
  queue: string,
  limit: number,
  stop?: (message: GetMessage) => boolean,
): Promise<GetMessage[]> => {
  const held: GetMessage[] = [];
  while (held.length < limit) {
    const message = await channel.get(queue, { noAck: false });
    if (message === false) break;
    held.push(message);
    if (stop?.(message)) break;
  }
  return held;
};

export interface Located {
  consumerQueue: ConsumerQueue;
  message: GetMessage;
}

/**
 * Walks the DLQs on one channel each until the message with this id is held. Every other message got on the way
 * is requeued when that channel closes. `work` runs while the found message is still held (unacked).
 */
export const withLocated = async <C extends Channel, T>(
  open: () => Promise<C>,
  id: string,
  options: DeadLetterQueueOptions,
  work: (channel: C, located: Located) => Promise<T>,
): Promise<T | undefined> => {
  for (const consumerQueue of queuesOf(options)) {
    const opened = await openQueue(open, consumerQueue.dlq);
    if (!opened) continue;
    try {
      const held = await getUpTo(opened.channel, consumerQueue.dlq, opened.depth, (message) => idOf(consumerQueue, message) === id);
      const found = held.at(-1);
      if (found && idOf(consumerQueue, found) === id) return await work(opened.channel, { consumerQueue, message: found });
    } finally {
      await closeQuietly(opened.channel);
    }
  }
  return undefined;
};
