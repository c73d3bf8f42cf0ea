import { createAmqpConsumerContext, type AmqpConsumerOptions } from './amqp-consumer-context.js';
import { subscribeAll, unsubscribeAll } from './queue-subscription.js';

export type { AmqpConsumerOptions } from './amqp-consumer-context.js';

export interface AmqpConsumer {
  /** Subscribes the service's queues now if connected, and again after every reconnect. */
  start(): void;
  /** Cancels the subscriptions, waits (bounded) for deliveries in flight, then closes the channels. */
  stop(): Promise<void>;
}

/**
 * Feeds the service's queues into the inbox consumer, with manual acks: a delivery is acked only after
 * `consume` resolved, i.e. after the handler's transaction committed (or the message was parked, or recognised
 * as a duplicate). A transient failure goes to `<queue>.retry`, whose TTL sends it back after a delay; a dead
 * letter goes to `<queue>.dlq` with its error and attempt count in headers. Anything not acked when a channel
 * or the connection dies is redelivered by the broker, and the inbox drops what had already taken effect.
 *
 * Its parts: queue-subscription (channels, subscribe, unsubscribe), delivery-batching (one consume per turn of
 * the event loop), delivery-settlement (ack, retry queue, DLQ), delivery-properties (headers and copies).
 */
export const createAmqpConsumer = (options: AmqpConsumerOptions): AmqpConsumer => {
  const context = createAmqpConsumerContext(options);
  const { state } = context;
  return {
    start() {
      if (state.unregister || state.stopping) return;
      state.unregister = options.connection.onConnected((model) => subscribeAll(context, model));
    },
    async stop() {
      if (state.stopping) return;
      state.stopping = true;
      state.unregister?.();
      await unsubscribeAll(context);
      context.log.info('broker consumers stopped');
    },
  };
};
