import { BACKEND_SERVICES, MESSAGE_CATALOG } from '@ordering/contracts';
import type { Channel, Options } from 'amqplib';

export const DEFAULT_NAMESPACE = 'ordering';

export interface ConsumerQueue {
  readonly queue: string;
  readonly retry: string;
  readonly dlq: string;
  readonly service: string;
  readonly kind: 'commands' | 'events';
}

/** Commands and replies, routed by the destination service's name. Type direct, durable. */
export const commandExchangeOf = (namespace: string) => `${namespace}.direct`;
/** Events, one copy per subscriber, routed by `<subscriber>.<eventType>`. Type topic, durable. */
export const eventExchangeOf = (namespace: string) => `${namespace}.events`;

export const DEAD_LETTER_HEADERS = {
  id: 'x-dead-letter-id',
  error: 'x-error',
  attempts: 'x-attempts',
  originalQueue: 'x-original-queue',
  deadAt: 'x-dead-lettered-at',
} as const;

/** On normal and retry deliveries: how many times the message has been delivered so far (absent = first). */
export const ATTEMPTS_HEADER = 'x-attempts';

/**
 * The dead-letter id a replayed copy carries: its consumer gives it a fresh round of attempts, and parks it under that id again if it
 * fails.
 */
export const REPLAYED_FROM_HEADER = 'x-replayed-from';

/**
 * How long a failed message waits in `<queue>.retry` before it is delivered again. A constant on purpose: every
 * service declares every queue, and RabbitMQ refuses a re-declaration whose arguments differ.
 */
export const RETRY_DELAY_MS = 1_000;

/** Event types whose catalog subscribers include `service`. */
const subscribedEventsOf = (service: string): string[] =>
  Object.values(MESSAGE_CATALOG)
    .filter((contract) => contract.kind === 'event' && (contract.subscribers ?? []).includes(service))
    .map((contract) => contract.type);

const consumerQueue = (namespace: string, service: string, kind: ConsumerQueue['kind']): ConsumerQueue => {
  const queue = `${namespace}.${service}.${kind}`;
  return Object.freeze({ queue, retry: `${queue}.retry`, dlq: `${queue}.dlq`, service, kind });
};

/**
 * The queues `service` consumes: `${ns}.${service}.commands` always; `${ns}.${service}.events` when it subscribes to an event in the
 * catalog.
 */
export const consumerQueuesOf = (service: string, namespace: string = DEFAULT_NAMESPACE): ConsumerQueue[] => [
  consumerQueue(namespace, service, 'commands'),
  ...(subscribedEventsOf(service).length > 0 ? [consumerQueue(namespace, service, 'events')] : []),
];

/** Every consumer queue of every service (customer, order, account, orchestrator). */
export const allConsumerQueues = (namespace: string = DEFAULT_NAMESPACE): ConsumerQueue[] =>
  BACKEND_SERVICES.flatMap((service) => consumerQueuesOf(service, namespace));

const QUORUM: Options.AssertQueue = { durable: true, arguments: { 'x-queue-type': 'quorum' } };

/**
 * Quorum dead-lettering is at-most-once by default (a broker crash between the TTL expiry and the re-publish
 * loses the message); at-least-once needs `reject-publish` overflow. The original queue's inbox drops the rare
 * duplicate this allows.
 */
const retryQueueOptions = (queue: string): Options.AssertQueue => ({
  durable: true,
  arguments: {
    'x-queue-type': 'quorum',
    'x-message-ttl': RETRY_DELAY_MS,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': queue,
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  },
});

/**
 * Classic on purpose: operators peek at dead letters with basic.get and requeue them, and a quorum queue counts
 * each requeue as a redelivery (newer RabbitMQ drops a message past its delivery limit). No `x-queue-type`
 * argument: classic is the default, and a plain `assertQueue(dlq, { durable: true })` elsewhere stays equivalent.
 */
const DEAD_LETTER_QUEUE: Options.AssertQueue = { durable: true };

const declareConsumerQueue = async (channel: Channel, namespace: string, consumer: ConsumerQueue): Promise<void> => {
  await channel.assertQueue(consumer.queue, QUORUM);
  await channel.assertQueue(consumer.retry, retryQueueOptions(consumer.queue));
  await channel.assertQueue(consumer.dlq, DEAD_LETTER_QUEUE);
  if (consumer.kind === 'commands') {
    await channel.bindQueue(consumer.queue, commandExchangeOf(namespace), consumer.service);
    return;
  }
  for (const type of subscribedEventsOf(consumer.service)) {
    await channel.bindQueue(consumer.queue, eventExchangeOf(namespace), `${consumer.service}.${type}`);
  }
};

/**
 * Declares the whole topology of the namespace, idempotently. Every service declares all of it, not just its own
 * queues, so a message is never unroutable because its receiver has not started yet.
 */
export const declareTopology = async (channel: Channel, namespace: string = DEFAULT_NAMESPACE): Promise<void> => {
  await channel.assertExchange(commandExchangeOf(namespace), 'direct', { durable: true });
  await channel.assertExchange(eventExchangeOf(namespace), 'topic', { durable: true });
  for (const consumer of allConsumerQueues(namespace)) await declareConsumerQueue(channel, namespace, consumer);
};

/**
 * Removes every queue and exchange of the namespace, messages included: for a namespace that was only ever
 * temporary (a benchmark run, a test), never for one that a system uses.
 */
export const deleteTopology = async (channel: Channel, namespace: string): Promise<void> => {
  for (const consumer of allConsumerQueues(namespace)) {
    for (const queue of [consumer.queue, consumer.retry, consumer.dlq]) await channel.deleteQueue(queue);
  }
  await channel.deleteExchange(commandExchangeOf(namespace));
  await channel.deleteExchange(eventExchangeOf(namespace));
};
