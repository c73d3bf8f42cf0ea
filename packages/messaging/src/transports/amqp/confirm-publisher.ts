import type { ConfirmChannel, Options } from 'amqplib';
import { PublishRejectedError, TransportUnavailableError } from '../transport.js';

export interface ConfirmPublisher {
  readonly channel: ConfirmChannel;
  /** True once the channel closed, with its connection or on its own. */
  readonly closed: boolean;
  /** Set when the broker closed this channel with an error, as opposed to the whole connection going away. */
  readonly failure: Error | undefined;
  /**
   * Resolves once the broker confirmed the message: persisted and routed to at least one queue. Rejects with a
   * PublishRejectedError on a nack, an unroutable return or a channel error, and with a
   * TransportUnavailableError when the connection went away first (the message's fate is then unknown).
   */
  publish(exchange: string, routingKey: string, content: Buffer, properties: Options.Publish & { messageId: string }): Promise<void>;
}

/**
 * Wraps a confirm channel so each publish is one promise. Publishes are `mandatory`, so an unroutable message is
 * a failure rather than a silent drop; the broker sends the return before that message's confirm, so the
 * confirm callback knows whether its message was returned.
 */
export const createConfirmPublisher = (channel: ConfirmChannel, onFailure: (error: Error) => void = () => {}): ConfirmPublisher => {
  /** messageId -> why it was returned. */
  const returned = new Map<string, string>();
  const state: { closed: boolean; failure: Error | undefined } = { closed: false, failure: undefined };

  channel.on('error', (error: Error) => {
    state.failure = error;
    onFailure(error);
  });
  channel.on('return', (message) => {
    const id = message.properties.messageId as string | undefined;
    if (id)
      returned.set(
        id,
        `unroutable: no queue is bound to '${message.fields.exchange || '(default exchange)'}' with key '${message.fields.routingKey}'`,
      );
  });
  channel.once('close', () => {
    state.closed = true;
  });

  const outcomeOf = (messageId: string, error: unknown): Error | undefined => {
    const unroutable = returned.get(messageId);
    returned.delete(messageId);
    if (!error) return unroutable ? new PublishRejectedError(messageId, unroutable) : undefined;
    const nacked = error instanceof Error && error.message === 'message nacked';
    if (!nacked && !state.failure)
      return new TransportUnavailableError('rabbitmq', 'the connection was lost before the broker confirmed the message');
    return new PublishRejectedError(messageId, state.failure?.message ?? 'the broker nacked it');
  };

  return {
    channel,
    get closed() {
      return state.closed;
    },
    get failure() {
      return state.failure;
    },
    publish(exchange, routingKey, content, properties) {
      if (state.closed) return Promise.reject(new TransportUnavailableError('rabbitmq', 'the channel is closed'));
      return new Promise<void>((resolve, reject) => {
        try {
          // The return value (false = write buffer full) is ignored: callers bound their publishes in flight,
          // and each one waits for its confirm anyway.
          channel.publish(exchange, routingKey, content, { ...properties, mandatory: true }, (error: unknown) => {
            const failure = outcomeOf(properties.messageId, error);
            if (failure) reject(failure);
            else resolve();
          });
        } catch (error) {
          // amqplib throws synchronously on a closed channel, or on a header table too large to encode.
          reject(state.closed ? new TransportUnavailableError('rabbitmq', 'the channel is closed') : error);
        }
      });
    },
  };
};
