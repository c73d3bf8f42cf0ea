import { randomUUID } from 'node:crypto';
import type { Logger } from '@ordering/platform';
import type { ConsumeMessage } from 'amqplib';
import type { ParkedMessage } from '../../dead-letters/dead-letter-store.js';
import type { Subscription } from './amqp-consumer-context.js';
import { ATTEMPTS_HEADER, DEAD_LETTER_HEADERS } from './amqp-topology.js';
import { copyOf, deliveriesOf } from './delivery-properties.js';

const MAX_ERROR_LENGTH = 1_000;

/** After its channel died the delivery cannot be settled any more; the broker redelivers it, the inbox dedups. */
export const settleDelivery = (log: Logger, subscription: Subscription, message: ConsumeMessage, how: 'ack' | 'requeue'): void => {
  if (subscription.publisher.closed) return;
  try {
    if (how === 'ack') subscription.publisher.channel.ack(message);
    else subscription.publisher.channel.nack(message, false, true);
  } catch (error) {
    log.debug({ err: error }, 'delivery could not be settled, its channel is gone; the broker redelivers it');
  }
};

/** Parks a copy of the delivery in its queue's DLQ, the error and attempts in headers; resolves with the dead letter's id. */
export const parkInDeadLetterQueue = async (
  subscription: Subscription,
  message: ConsumeMessage,
  parked: ParkedMessage,
): Promise<string> => {
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
export const retryLater = async (log: Logger, subscription: Subscription, message: ConsumeMessage): Promise<void> => {
  try {
    const copy = copyOf(message, { [ATTEMPTS_HEADER]: deliveriesOf(message) + 1 });
    await subscription.publisher.publish('', subscription.queue.retry, message.content, copy);
    settleDelivery(log, subscription, message, 'ack');
  } catch (error) {
    log.warn({ err: error, queue: subscription.queue.retry }, 'could not move a failed message to its retry queue, requeueing it');
    settleDelivery(log, subscription, message, 'requeue');
  }
};
