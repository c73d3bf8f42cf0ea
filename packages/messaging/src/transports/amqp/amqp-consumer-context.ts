import type { Logger } from '@ordering/platform';
import type { ConsumeMessage } from 'amqplib';
import type { MessageConsumer } from '../../inbox/message-consumer.js';
import type { MessageVerifier } from '../../security/message-authentication.js';
import { consumerQueuesOf, type ConsumerQueue } from './amqp-topology.js';
import type { BrokerConnection } from './broker-connection.js';
import type { ConfirmPublisher } from './confirm-publisher.js';

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

/**
 * 32 per channel: each delivery needs a database connection only for its handler's transaction, so a few times
 * the pool size (10 by default) keeps the pool busy across broker round trips, while the deliveries a crashed
 * replica hands back for redelivery, and the memory a backlog can take, stay small. Replicas share a queue
 * fairly because no one consumer hoards it.
 */
const DEFAULT_PREFETCH = 32;

export interface Subscription {
  queue: ConsumerQueue;
  publisher: ConfirmPublisher;
  consumerTag: string | undefined;
}

/** Everything the consumer changes while it runs, in one place. */
export interface AmqpConsumerState {
  subscriptions: Set<Subscription>;
  unregister: (() => void) | undefined;
  stopping: boolean;
  inFlight: number;
  drained: (() => void) | undefined;
  /** Deliveries of this turn of the event loop, per subscription, not yet handed to the consumer. */
  waiting: Map<Subscription, ConsumeMessage[]>;
}

/** What the consumer's parts share: its dependencies, settings and {@link AmqpConsumerState}. */
export interface AmqpConsumerContext {
  connection: BrokerConnection;
  consumer: MessageConsumer;
  verifier: MessageVerifier;
  log: Logger;
  prefetch: number;
  drainTimeoutMs: number;
  queues: ConsumerQueue[];
  state: AmqpConsumerState;
}

export const createAmqpConsumerContext = (options: AmqpConsumerOptions): AmqpConsumerContext => ({
  connection: options.connection,
  consumer: options.consumer,
  verifier: options.verifier,
  log: options.logger.child({ component: 'amqp-consumer' }),
  prefetch: options.prefetch ?? DEFAULT_PREFETCH,
  drainTimeoutMs: options.drainTimeoutMs ?? 2_000,
  queues: consumerQueuesOf(options.service, options.connection.namespace),
  state: { subscriptions: new Set(), unregister: undefined, stopping: false, inFlight: 0, drained: undefined, waiting: new Map() },
});
