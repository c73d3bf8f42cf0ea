import { createHash } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type GetMessage, type Message } from 'amqplib';
import { operatorSignatureOf, OPERATOR_SIGNATURE_HEADER, SENDER_HEADER, SIGNATURE_HEADER } from '../../security/message-authentication.js';
import { checkMessage } from '../../inbox/message-validation.js';
import { allConsumerQueues, DEAD_LETTER_HEADERS, REPLAYED_FROM_HEADER, type ConsumerQueue } from './amqp-topology.js';

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


export const DEFAULT_DEAD_LETTER_LIMIT = 100;

/** A repaired message is an envelope: a JSON object, never a bare string, number or array. */
export const isRepairedMessage = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const queuesOf = (options: DeadLetterQueueOptions): ConsumerQueue[] =>
  allConsumerQueues(options.namespace).filter((queue) => options.service === undefined || queue.service === options.service);

const headerText = (value: unknown): string | null =>
  typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : null;

const parseBody = (content: Buffer): unknown => {
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

const headersOf = (message: Message): Record<string, unknown> => (message.properties.headers ?? {}) as Record<string, unknown>;

const idOf = (consumerQueue: ConsumerQueue, message: Message): string =>
  headerText(headersOf(message)[DEAD_LETTER_HEADERS.id]) ?? fallbackId(consumerQueue.dlq, message.content);

const toDeadLetter = (consumerQueue: ConsumerQueue, message: Message): QueuedDeadLetter => {
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

const withConnection = async <T>(brokerUrl: string, work: (connection: ChannelModel) => Promise<T>): Promise<T> => {
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
const closeQuietly = (channel: Channel): Promise<void> => channel.close().catch(() => {});

/**
 * Opens a fresh channel on one DLQ and checks it passively (never declares it: its arguments belong to the
 * topology). A DLQ that does not exist yet closes that channel with 404; it simply holds nothing.
 */
const openQueue = async <C extends Channel>(open: () => Promise<C>, queue: string): Promise<{ channel: C; depth: number } | undefined> => {
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
const getUpTo = async (channel: Channel, queue: string, limit: number, stop?: (message: GetMessage) => boolean): Promise<GetMessage[]> => {
  const held: GetMessage[] = [];
  while (held.length < limit) {
    const message = await channel.get(queue, { noAck: false });
    if (message === false) break;
    held.push(message);
    if (stop?.(message)) break;
  }
  return held;
};

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
 * Peeks the DLQs: up to `limit` messages from the head of each queue, merged newest first and cut to `limit`.
 * Nothing is consumed: the messages are held unacked and requeued, in order, when the channel closes.
 */
export const listQueuedDeadLetters = async (
  brokerUrl: string,
  options: DeadLetterQueueOptions & { limit?: number } = {},
): Promise<QueuedDeadLetter[]> => {
  const limit = options.limit ?? DEFAULT_DEAD_LETTER_LIMIT;
  return withConnection(brokerUrl, async (connection) => {
    const letters: QueuedDeadLetter[] = [];
    for (const consumerQueue of queuesOf(options)) letters.push(...(await peekQueue(connection, consumerQueue, limit)));
    return letters.sort(newestFirst).slice(0, limit);
  });
};

interface Located {
  consumerQueue: ConsumerQueue;
  message: GetMessage;
}

/**
 * Walks the DLQs on one channel each until the message with this id is held. Every other message got on the way
 * is requeued when that channel closes. `work` runs while the found message is still held (unacked).
 */
const withLocated = async <C extends Channel, T>(
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

export const findQueuedDeadLetter = async (brokerUrl: string, id: string, options: DeadLetterQueueOptions = {}): Promise<QueuedDeadLetter | undefined> =>
  withConnection(brokerUrl, (connection) =>
    withLocated(() => connection.createChannel(), id, options, async (_channel, located) => toDeadLetter(located.consumerQueue, located.message)),
  );

const envelopeHeaders = (body: unknown): Record<string, unknown> => {
  const headers = isRepairedMessage(body) ? body['headers'] : undefined;
  const traceparent = isRepairedMessage(headers) ? headers['traceparent'] : undefined;
  return typeof traceparent === 'string' ? { traceparent } : {};
};

const stringField = (body: unknown, field: string): string | undefined => {
  const value = isRepairedMessage(body) ? body[field] : undefined;
  return typeof value === 'string' ? value : undefined;
};

/**
 * Resolves once the broker confirmed the copy. `mandatory` plus the 'return' listener turn a consumer queue that
 * does not exist into a failure: without them the default exchange would drop the copy and still confirm it.
 */
const publishConfirmed = (channel: ConfirmChannel, queue: string, content: Buffer, properties: amqp.Options.Publish): Promise<void> =>
  new Promise((resolve, reject) => {
    let returned = false;
    const onReturn = (): void => {
      returned = true;
    };
    channel.once('return', onReturn);
    channel.sendToQueue(queue, content, { ...properties, mandatory: true }, (error) => {
      channel.off('return', onReturn);
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else if (returned) reject(new Error(`the broker could not route the replayed message to queue '${queue}'`));
      else resolve();
    });
  });

/** The original's own signature still fits its untouched body: a replay keeps it, so its sender stays proven. */
const originalSignature = (message: Message): Record<string, unknown> => {
  const headers = headersOf(message);
  return Object.fromEntries([SENDER_HEADER, SIGNATURE_HEADER, OPERATOR_SIGNATURE_HEADER].filter((name) => headers[name] !== undefined).map((name) => [name, headers[name]]));
};

/** A repaired body has no sender's signature: the operator vouches for it, with the operator token. */
const signatureFor = (located: Located, repaired: unknown, content: Buffer, operatorToken: string | undefined): Record<string, unknown> => {
  if (repaired === undefined) return originalSignature(located.message);
  if (!operatorToken) throw new Error('A repaired message must be signed with the operator token: set OPERATOR_TOKEN');
  const check = checkMessage(repaired, located.consumerQueue.service);
  if (!check.valid) throw new RepairedMessageRefusedError(check.error);
  return { [OPERATOR_SIGNATURE_HEADER]: operatorSignatureOf(operatorToken, content) };
};

/** The repaired message would be refused by its consumer; nothing was sent, the dead letter stays where it is. */
export class RepairedMessageRefusedError extends Error {
  constructor(reason: string) {
    super(`The repaired message would be refused: ${reason}`);
    this.name = 'RepairedMessageRefusedError';
  }
}

const replayCopy = async (channel: ConfirmChannel, id: string, located: Located, repaired: unknown, operatorToken: string | undefined): Promise<ReplayedDeadLetter> => {
  const { message, consumerQueue } = located;
  const body = repaired === undefined ? parseBody(message.content) : repaired;
  const content = repaired === undefined ? message.content : Buffer.from(JSON.stringify(repaired));
  const messageId = (repaired === undefined ? message.properties.messageId : stringField(repaired, 'id')) ?? null;
  const type = repaired === undefined ? message.properties.type : stringField(repaired, 'type');
  const signature = signatureFor(located, repaired, content, operatorToken);
  await publishConfirmed(channel, consumerQueue.queue, content, {
    persistent: true,
    contentType: 'application/json',
    ...(messageId ? { messageId } : {}),
    ...(type ? { type } : {}),
    // No attempts header: a replay gets the whole retry budget again.
    headers: { ...envelopeHeaders(body), ...signature, [REPLAYED_FROM_HEADER]: id },
  });
  // Only now, with the copy safely in the consumer queue, does the dead letter leave the DLQ.
  channel.ack(message);
  return { id, queue: consumerQueue.queue, service: consumerQueue.service, messageId };
};

/**
 * Publishes the original body (or the repaired `message`) to the dead letter's consumer queue with publisher
 * confirms, then acks it off the DLQ. A crash in between leaves both copies: the consumer's inbox makes the
 * second delivery a duplicate, whereas acking first could lose the message. Undefined when no DLQ holds the id.
 */
export const replayQueuedDeadLetter = async (
  brokerUrl: string,
  id: string,
  options: DeadLetterQueueOptions & { message?: unknown; operatorToken?: string | undefined } = {},
): Promise<ReplayedDeadLetter | undefined> => {
  if (options.message !== undefined && !isRepairedMessage(options.message)) throw new TypeError('A repaired message must be a JSON object (an envelope)');
  return withConnection(brokerUrl, (connection) =>
    withLocated(() => connection.createConfirmChannel(), id, options, (channel, located) => replayCopy(channel, id, located, options.message, options.operatorToken)),
  );
};
