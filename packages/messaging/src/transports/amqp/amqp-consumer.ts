import { randomUUID } from 'node:crypto';
import type { Logger } from '@ordering/platform';
import type { ChannelModel, ConsumeMessage, Options } from 'amqplib';
import { isUuid, type ParkedMessage } from '../../dead-letters/dead-letter-store.js';
import { consumeOptionsOf, type MessageVerifier } from '../../security/message-authentication.js';
import type { BatchItem, ConsumeOptions, MessageConsumer } from '../../inbox/message-consumer.js';
import { ATTEMPTS_HEADER, consumerQueuesOf, DEAD_LETTER_HEADERS, REPLAYED_FROM_HEADER, type ConsumerQueue } from './amqp-topology.js';
import type { BrokerConnection } from './broker-connection.js';
import { createConfirmPublisher, type ConfirmPublisher } from './confirm-publisher.js';

export interface AmqpConsumerOptions {
  connection: BrokerConnection;
  service: string;
  /** The inbox consumer runtime: validation, handler transaction, attempt counting. */
  consumer: MessageConsumer;
  /** Authenticates each delivery's sender from its signature headers; a delivery it refuses is parked unread. */
  verifier: MessageVerifier;
  logger: Logger;
  /** Unacknowledged deliveries per queue (one channel per queue). Default 32. */
  prefetch?: number;
  /** How long `stop()` waits for deliveries in flight before closing the channels. Default 2 s. */
  drainTimeoutMs?: number;
}

export interface AmqpConsumer {
  /** Subscribes the service's queues now if connected, and again after every reconnect. */
  start(): void;
  /** Cancels the subscriptions, waits (bounded) for deliveries in flight, then closes the channels. */
  stop(): Promise<void>;
}

/**
 * 32 per channel: each delivery needs a database connection only for its handler's transaction, so a few times
 * the pool size (10 by default) keeps the pool busy across broker round trips, while the deliveries a crashed
 * replica hands back for redelivery, and the memory a backlog can take, stay small. Replicas share a queue
 * fairly because no one consumer hoards it.
 */
const DEFAULT_PREFETCH = 32;
const MAX_ERROR_LENGTH = 1_000;

interface Subscription {
  queue: ConsumerQueue;
  publisher: ConfirmPublisher;
  consumerTag: string | undefined;
}

/** Deliveries so far, counting this one: the header is absent on a first delivery. */
const deliveriesOf = (message: ConsumeMessage): number => {
  const value = Number(message.properties.headers?.[ATTEMPTS_HEADER]);
  return Number.isInteger(value) && value > 0 ? value : 1;
};

const nonEmpty = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const headerReaderOf =
  (message: ConsumeMessage) =>
  (name: string): string | undefined => {
    const value: unknown = message.properties.headers?.[name];
    return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
  };

/** Who the signature says sent it; or, for a delivery it does not vouch for, why it is parked without being read. */
const authenticationOf = (verifier: MessageVerifier, message: ConsumeMessage): Pick<ConsumeOptions, 'sender' | 'unauthenticated'> => {
  const authentication = verifier.verify(headerReaderOf(message), message.content);
  return authentication.ok ? consumeOptionsOf(authentication.value) : { unauthenticated: authentication.failure };
};

/**
 * A delivery that `npm run dlq -- replay` put back names its dead letter. Its first delivery starts a fresh round of
 * attempts (later ones come from the retry queue and keep counting); should that first one meet a database outage,
 * the replay keeps the old count, as a message in its last attempt would.
 */
const replayOptionsOf = (message: ConsumeMessage): Pick<ConsumeOptions, 'deadLetterId' | 'freshAttempts'> => {
  const replayedFrom: unknown = message.properties.headers?.[REPLAYED_FROM_HEADER];
  if (!isUuid(replayedFrom)) return {};
  return { deadLetterId: replayedFrom, ...(deliveriesOf(message) === 1 ? { freshAttempts: true } : {}) };
};

/**
 * The original message's properties, for a copy into the retry queue or the DLQ; the body travels untouched. What the
 * consumer read from the body (`read`) names the message for an operator, even when its producer set no properties.
 */
const copyOf = (
  message: ConsumeMessage,
  headers: Record<string, unknown>,
  read: Partial<Pick<ParkedMessage, 'messageId' | 'messageType'>> = {},
): Options.Publish & { messageId: string } => {
  const { properties } = message;
  const type = nonEmpty(read.messageType) ?? nonEmpty(properties.type);
  return {
    persistent: true,
    // A body that never had an id (garbage) gets one, so the broker's return can be matched to this publish.
    messageId: nonEmpty(read.messageId) ?? nonEmpty(properties.messageId) ?? randomUUID(),
    ...(properties.contentType ? { contentType: properties.contentType as string } : {}),
    ...(properties.contentEncoding ? { contentEncoding: properties.contentEncoding as string } : {}),
    ...(type ? { type } : {}),
    ...(properties.timestamp ? { timestamp: properties.timestamp as number } : {}),
    ...(properties.correlationId ? { correlationId: properties.correlationId as string } : {}),
    headers: { ...(properties.headers ?? {}), ...headers },
  };
};

/**
 * Feeds the service's queues into the inbox consumer, with manual acks: a delivery is acked only after
 * `consume` resolved, i.e. after the handler's transaction committed (or the message was parked, or recognised
 * as a duplicate). A transient failure goes to `<queue>.retry`, whose TTL sends it back after a delay; a dead
 * letter goes to `<queue>.dlq` with its error and attempt count in headers. Anything not acked when a channel
 * or the connection dies is redelivered by the broker, and the inbox drops what had already taken effect.
 */
export const createAmqpConsumer = (options: AmqpConsumerOptions): AmqpConsumer => {
  const { connection, consumer, service } = options;
  const log = options.logger.child({ component: 'amqp-consumer' });
  const prefetch = options.prefetch ?? DEFAULT_PREFETCH;
  const drainTimeoutMs = options.drainTimeoutMs ?? 2_000;
  const queues = consumerQueuesOf(service, connection.namespace);
  const subscriptions = new Set<Subscription>();
  let unregister: (() => void) | undefined;
  let stopping = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  /** After its channel died the delivery cannot be settled any more; the broker redelivers it, the inbox dedups. */
  const settle = (subscription: Subscription, message: ConsumeMessage, how: 'ack' | 'requeue'): void => {
    if (subscription.publisher.closed) return;
    try {
      if (how === 'ack') subscription.publisher.channel.ack(message);
      else subscription.publisher.channel.nack(message, false, true);
    } catch (error) {
      log.debug({ err: error }, 'delivery could not be settled, its channel is gone; the broker redelivers it');
    }
  };

  const parkInDeadLetterQueue = async (subscription: Subscription, message: ConsumeMessage, parked: ParkedMessage): Promise<string> => {
    // A replay that fails again keeps the id the operator already knows it by.
    const id = parked.deadLetterId ?? randomUUID();
    const headers = {
      [DEAD_LETTER_HEADERS.id]: id,
      [DEAD_LETTER_HEADERS.error]: parked.error.slice(0, MAX_ERROR_LENGTH),
      [DEAD_LETTER_HEADERS.attempts]: parked.attempts,
      [DEAD_LETTER_HEADERS.originalQueue]: subscription.queue.queue,
      [DEAD_LETTER_HEADERS.deadAt]: new Date().toISOString(),
    };
    const copy = copyOf(message, headers, parked);
    await subscription.publisher.publish('', subscription.queue.dlq, message.content, copy);
    return id;
  };

  /** The copy is confirmed before the original is acked; if it is not, the original goes back to the queue. */
  const retryLater = async (subscription: Subscription, message: ConsumeMessage): Promise<void> => {
    try {
      const copy = copyOf(message, { [ATTEMPTS_HEADER]: deliveriesOf(message) + 1 });
      await subscription.publisher.publish('', subscription.queue.retry, message.content, copy);
      settle(subscription, message, 'ack');
    } catch (error) {
      log.warn({ err: error, queue: subscription.queue.retry }, 'could not move a failed message to its retry queue, requeueing it');
      settle(subscription, message, 'requeue');
    }
  };

  const itemOf = (subscription: Subscription, message: ConsumeMessage): BatchItem => ({
    // The raw body: a consumer that parses it itself parks garbage instead of crashing on it.
    raw: message.content,
    options: {
      ...replayOptionsOf(message),
      ...authenticationOf(options.verifier, message),
      ...(message.fields.redelivered ? { redelivered: true } : {}),
      park: (parked) => parkInDeadLetterQueue(subscription, message, parked),
    },
  });

  /** Deliveries that arrived in one turn of the event loop go to the consumer together: one transaction under load. */
  const consumeTogether = async (subscription: Subscription, messages: ConsumeMessage[]): Promise<void> => {
    try {
      const results = await consumer.consumeBatch(messages.map((message) => itemOf(subscription, message)));
      await Promise.all(
        messages.map((message, index) => (results[index]?.outcome === 'retry' ? retryLater(subscription, message) : settle(subscription, message, 'ack'))),
      );
    } catch (error) {
      // consumeBatch() never throws; this is a bug guard, and the broker gets the messages back.
      log.error({ err: error }, 'unexpected failure while consuming deliveries, requeueing them');
      for (const message of messages) settle(subscription, message, 'requeue');
    } finally {
      inFlight -= messages.length;
      if (inFlight === 0) drained?.();
    }
  };

  const waiting = new Map<Subscription, ConsumeMessage[]>();
  const deliver = (subscription: Subscription, message: ConsumeMessage): void => {
    inFlight += 1;
    const batch = waiting.get(subscription);
    if (batch) {
      batch.push(message);
      return;
    }
    waiting.set(subscription, [message]);
    setImmediate(() => {
      const messages = waiting.get(subscription) ?? [];
      waiting.delete(subscription);
      void consumeTogether(subscription, messages);
    });
  };

  const subscribe = async (model: ChannelModel, queue: ConsumerQueue): Promise<void> => {
    const subscription: Subscription = {
      queue,
      publisher: createConfirmPublisher(await model.createConfirmChannel(), (error) => log.warn({ err: error, queue: queue.queue }, 'the broker closed a consumer channel')),
      consumerTag: undefined,
    };
    subscription.publisher.channel.once('close', () => {
      subscriptions.delete(subscription);
      // A channel-level failure leaves the connection up without this subscription: start over on a fresh one.
      if (subscription.publisher.failure && !stopping) connection.recycle(`the consumer channel of ${queue.queue} was closed by the broker`);
    });
    subscriptions.add(subscription);
    await subscription.publisher.channel.prefetch(prefetch);
    const { consumerTag } = await subscription.publisher.channel.consume(
      queue.queue,
      (message) => {
        if (message) {
          deliver(subscription, message);
          return;
        }
        // The broker cancelled the subscription (the queue was deleted): re-declare and resubscribe.
        if (!stopping) connection.recycle(`the broker cancelled the subscription to ${queue.queue}`);
      },
      { noAck: false },
    );
    subscription.consumerTag = consumerTag;
  };

  const subscribeAll = async (model: ChannelModel): Promise<void> => {
    if (stopping) return;
    for (const queue of queues) await subscribe(model, queue);
    log.info({ queues: queues.map((q) => q.queue), prefetch }, 'consuming from the broker');
  };

  const waitForInFlight = async (): Promise<void> => {
    if (inFlight === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      drained = resolve;
      timer = setTimeout(resolve, drainTimeoutMs);
    });
    clearTimeout(timer);
    drained = undefined;
    if (inFlight > 0) log.warn({ inFlight }, 'stopped waiting for deliveries in flight; the broker redelivers them');
  };

  return {
    start() {
      if (unregister || stopping) return;
      unregister = connection.onConnected(subscribeAll);
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      unregister?.();
      const live = [...subscriptions];
      await Promise.all(
        live.map(async ({ publisher, consumerTag }) => {
          if (!consumerTag || publisher.closed) return;
          await publisher.channel.cancel(consumerTag).catch(() => undefined);
        }),
      );
      await waitForInFlight();
      await Promise.all(live.map(({ publisher }) => (publisher.closed ? undefined : publisher.channel.close().catch(() => undefined))));
      log.info('broker consumers stopped');
    },
  };
};
