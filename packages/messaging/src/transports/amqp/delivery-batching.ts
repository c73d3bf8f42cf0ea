import type { ConsumeMessage } from 'amqplib';
import type { BatchItem } from '../../inbox/message-consumer.js';
import type { AmqpConsumerContext, Subscription } from './amqp-consumer-context.js';
import { authenticationOf, replayOptionsOf } from './delivery-properties.js';
import { parkInDeadLetterQueue, retryLater, settleDelivery } from './delivery-settlement.js';

const itemOf = (context: AmqpConsumerContext, subscription: Subscription, message: ConsumeMessage): BatchItem => ({
  // The raw body: a consumer that parses it itself parks garbage instead of crashing on it.
  raw: message.content,
  options: {
    ...replayOptionsOf(message),
    ...authenticationOf(context.verifier, message),
    ...(message.fields.redelivered ? { redelivered: true } : {}),
    park: (parked) => parkInDeadLetterQueue(subscription, message, parked),
  },
});

/** Deliveries that arrived in one turn of the event loop go to the consumer together: one transaction under load. */
const consumeTogether = async (context: AmqpConsumerContext, subscription: Subscription, messages: ConsumeMessage[]): Promise<void> => {
  const { log, state } = context;
  try {
    const results = await context.consumer.consumeBatch(messages.map((message) => itemOf(context, subscription, message)));
    await Promise.all(
      messages.map((message, index) =>
        results[index]?.outcome === 'retry' ? retryLater(log, subscription, message) : settleDelivery(log, subscription, message, 'ack'),
      ),
    );
  } catch (error) {
    // consumeBatch() never throws; this is a bug guard, and the broker gets the messages back.
    log.error({ err: error }, 'unexpected failure while consuming deliveries, requeueing them');
    for (const message of messages) settleDelivery(log, subscription, message, 'requeue');
  } finally {
    state.inFlight -= messages.length;
    if (state.inFlight === 0) state.drained?.();
  }
};

/** Collects the delivery into this turn's batch of its subscription; the first one of a turn schedules the batch. */
export const deliver = (context: AmqpConsumerContext, subscription: Subscription, message: ConsumeMessage): void => {
  const { state } = context;
  state.inFlight += 1;
  const batch = state.waiting.get(subscription);
  if (batch) {
    batch.push(message);
    return;
  }
  state.waiting.set(subscription, [message]);
  setImmediate(() => {
    const messages = state.waiting.get(subscription) ?? [];
    state.waiting.delete(subscription);
    void consumeTogether(context, subscription, messages);
  });
};
