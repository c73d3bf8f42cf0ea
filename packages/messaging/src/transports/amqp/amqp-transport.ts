import { contractOf, type Envelope } from '@ordering/contracts';
import type { Logger } from '@ordering/platform';
import type { Options } from 'amqplib';
import { TransportUnavailableError, type Transport } from '../transport.js';
import { commandExchangeOf, eventExchangeOf } from './amqp-topology.js';
import type { BrokerConnection } from './broker-connection.js';
import type { MessageSigner } from '../../security/message-authentication.js';
import { createConfirmPublisher, type ConfirmPublisher } from './confirm-publisher.js';

export interface AmqpTransportOptions {
  connection: BrokerConnection;
  logger: Logger;
  /** Signs every message: consumers verify the signature against this service's public key. */
  signer: MessageSigner;
}

export interface PublishRoute {
  exchange: string;
  routingKey: string;
}

/** Commands and replies go to the destination's queue; an event copy goes to its one subscriber's queue. */
export const publishRouteOf = (envelope: Pick<Envelope, 'type' | 'destination'>, namespace: string): PublishRoute =>
  contractOf(envelope.type)?.kind === 'event'
    ? { exchange: eventExchangeOf(namespace), routingKey: `${envelope.destination}.${envelope.type}` }
    : { exchange: commandExchangeOf(namespace), routingKey: envelope.destination };

/** Persistent JSON, identified like the envelope, with the trace context where AMQP tooling looks for it. */
export const publishPropertiesOf = (envelope: Envelope): Options.Publish & { messageId: string } => {
  const traceparent = envelope.headers?.traceparent;
  const tracestate = envelope.headers?.tracestate;
  return {
    persistent: true,
    contentType: 'application/json',
    messageId: envelope.id,
    type: envelope.type,
    timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000) || undefined,
    headers: { ...(traceparent ? { traceparent } : {}), ...(tracestate ? { tracestate } : {}) },
  };
};

/**
 * Publishes envelopes on a confirm channel: `publish` resolves only once the broker has taken responsibility
 * for the message (persisted and routed to at least one queue), so the outbox marks a row SENT only then.
 */
export const createAmqpTransport = (options: AmqpTransportOptions): Transport => {
  const { connection } = options;
  const log = options.logger.child({ component: 'amqp-transport' });
  let current: ConfirmPublisher | undefined;

  const stopPublishing = connection.onConnected(async (model) => {
    const publisher = createConfirmPublisher(await model.createConfirmChannel(), (error) =>
      log.warn({ err: error }, 'the broker closed the publish channel'),
    );
    publisher.channel.once('close', () => {
      if (current !== publisher) return;
      current = undefined;
      // A channel-level failure leaves the connection up without a publish channel: get a fresh one.
      if (publisher.failure) connection.recycle('the publish channel was closed by the broker');
    });
    current = publisher;
  });

  return {
    name: 'rabbitmq',
    publish(envelope) {
      const publisher = current;
      if (!publisher || !connection.isConnected()) {
        return Promise.reject(new TransportUnavailableError('rabbitmq', 'not connected to the broker'));
      }
      const route = publishRouteOf(envelope, connection.namespace);
      const body = Buffer.from(JSON.stringify(envelope));
      const properties = publishPropertiesOf(envelope);
      // Anyone with the broker's credentials can publish to any queue: the signature is what names the sender.
      properties.headers = { ...properties.headers, ...options.signer.headersFor(body) };
      return publisher.publish(route.exchange, route.routingKey, body, properties);
    },
    onAvailable: (listener) => connection.onAvailable(listener),
    /** Closes the publish channel only: the connection belongs to whoever created it. */
    async close() {
      stopPublishing();
      const publisher = current;
      current = undefined;
      if (!publisher || publisher.closed) return;
      try {
        await publisher.channel.close();
      } catch {
        // Closed with its connection meanwhile.
      }
    },
  };
};
