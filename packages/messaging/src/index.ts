export * from './create-messaging.js';
export * from './messaging-tables.js';
export * from './messaging-migrations.js';

export * from './outbox/create-envelope.js';
export * from './outbox/outbox-schema.js';
export * from './outbox/enqueue-messages.js';
export * from './outbox/outbox-relay.js';
export type { OutboxRow } from './outbox/outbox-publisher.js';
export * from './outbox/expired-message-cleanup.js';

export * from './inbox/consumer-schema.js';
export * from './inbox/message-handler.js';
export * from './inbox/message-consumer.js';
export { checkMessage } from './inbox/message-validation.js';

export * from './dead-letters/dead-letter-store.js';
export * from './dead-letters/dead-letter-metrics.js';
export * from './dead-letters/replay-dead-letter.js';
export * from './dead-letters/dead-letter-admin-schemas.js';
export * from './dead-letters/admin-dead-letters.js';
export * from './dead-letters/admin-dead-letter-routes.js';
export * from './dead-letters/queued-dead-letters.js';

export * from './security/operator-token.js';
export * from './security/message-authentication.js';
export * from './security/message-security-config.js';

export * from './transports/transport.js';
export * from './transports/http/http-transport.js';
export * from './transports/http/message-batch.js';
export * from './transports/http/message-routes.js';
export type { DeadLetterResource, ReplayResource } from './transports/http/message-route-schemas.js';
export * from './transports/amqp/dead-letter-queue.js';
export * from './transports/amqp/amqp-topology.js';
export * from './transports/amqp/broker-connection.js';
export * from './transports/amqp/confirm-publisher.js';
export * from './transports/amqp/amqp-transport.js';
export * from './transports/amqp/amqp-consumer.js';

export * from './runtime/retry-delay.js';
export * from './runtime/scrape-snapshot.js';
export * from './runtime/registered-metrics.js';
export * from './runtime/messaging-service-config.js';
export * from './runtime/messaging-service-runtime.js';
export * from './runtime/messaging-service-app.js';
