import type { ChannelModel } from 'amqplib';
import type { AmqpConsumerContext, Subscription } from './amqp-consumer-context.js';
import type { ConsumerQueue } from './amqp-topology.js';
import { createConfirmPublisher } from './confirm-publisher.js';
import { deliver } from './delivery-batching.js';

const subscribe = async (context: AmqpConsumerContext, model: ChannelModel, queue: ConsumerQueue): Promise<void> => {
  const { log, state, connection } = context;
  const subscription: Subscription = {
    queue,
    publisher: createConfirmPublisher(await model.createConfirmChannel(), (error) =>
      log.warn({ err: error, queue: queue.queue }, 'the broker closed a consumer channel'),
    ),
    consumerTag: undefined,
  };
  subscription.publisher.channel.once('close', () => {
    state.subscriptions.delete(subscription);
    // A channel-level failure leaves the connection up without this subscription: start over on a fresh one.
    if (subscription.publisher.failure && !state.stopping)
      connection.recycle(`the consumer channel of ${queue.queue} was closed by the broker`);
  });
  state.subscriptions.add(subscription);
  await subscription.publisher.channel.prefetch(context.prefetch);
  const { consumerTag } = await subscription.publisher.channel.consume(
    queue.queue,
    (message) => {
      if (message) {
        deliver(context, subscription, message);
        return;
      }
      // The broker cancelled the subscription (the queue was deleted): re-declare and resubscribe.
      if (!state.stopping) connection.recycle(`the broker cancelled the subscription to ${queue.queue}`);
    },
    { noAck: false },
  );
  subscription.consumerTag = consumerTag;
};

/** Subscribes every queue of the service on a fresh connection: one confirm channel per queue. */
export const subscribeAll = async (context: AmqpConsumerContext, model: ChannelModel): Promise<void> => {
  if (context.state.stopping) return;
  for (const queue of context.queues) await subscribe(context, model, queue);
  context.log.info({ queues: context.queues.map((q) => q.queue), prefetch: context.prefetch }, 'consuming from the broker');
};

const waitForInFlight = async ({ state, drainTimeoutMs, log }: AmqpConsumerContext): Promise<void> => {
  if (state.inFlight === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    state.drained = resolve;
    timer = setTimeout(resolve, drainTimeoutMs);
  });
  clearTimeout(timer);
  state.drained = undefined;
  if (state.inFlight > 0) log.warn({ inFlight: state.inFlight }, 'stopped waiting for deliveries in flight; the broker redelivers them');
};

/** Cancels the subscriptions, waits (bounded) for deliveries in flight, then closes the channels. */
export const unsubscribeAll = async (context: AmqpConsumerContext): Promise<void> => {
  const live = [...context.state.subscriptions];
  await Promise.all(
    live.map(async ({ publisher, consumerTag }) => {
      if (!consumerTag || publisher.closed) return;
      await publisher.channel.cancel(consumerTag).catch(() => undefined);
    }),
  );
  await waitForInFlight(context);
  await Promise.all(live.map(({ publisher }) => (publisher.closed ? undefined : publisher.channel.close().catch(() => undefined))));
};
