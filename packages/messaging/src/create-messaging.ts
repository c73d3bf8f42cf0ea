import type { Logger, HttpServer, ServiceMetrics, TokenVerifier, Transaction } from '@ordering/platform';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { createAmqpConsumer, type AmqpConsumer } from './transports/amqp/amqp-consumer.js';
import { createAmqpTransport } from './transports/amqp/amqp-transport.js';
import { createBrokerConnection, type BrokerConnection } from './transports/amqp/broker-connection.js';
import { registerAdminDeadLetterRoutes } from './dead-letters/admin-dead-letter-routes.js';
import { registerDeadLetterMetrics } from './dead-letters/dead-letter-metrics.js';
import { createDeadLetterStore, type DeadLetterStore } from './dead-letters/dead-letter-store.js';
import { createQueuedDeadLetters } from './dead-letters/queued-dead-letters.js';
import { createHttpTransport } from './transports/http/http-transport.js';
import { createMessageSigner, createMessageVerifier } from './security/message-authentication.js';
import { createMessageConsumer, type MessageConsumer } from './inbox/message-consumer.js';
import type { MessageHandler } from './inbox/message-handler.js';
import { registerMessageRoutes } from './transports/http/message-routes.js';
import type { MessageSecurity } from './security/message-security-config.js';
import { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox/outbox-relay.js';
import { collectOutgoing, type OutgoingMessage } from './outbox/outgoing-messages.js';
import type { Transport } from './transports/transport.js';

/** The transaction a service's handlers receive: exactly what `db.transaction(work)` hands to `work`. */

export interface MessagingOptions<TSchema extends Record<string, unknown>> {
  service: string;
  /** The service's database (platform's `Database`); only `db` is used. */
  database: { db: NodePgDatabase<TSchema> };
  /** Base URLs per peer service (from `<SERVICE>_URL` config, comma-separated replicas). */
  peers: Readonly<Record<string, readonly string[]>>;
  handlers: MessageHandler<Transaction<TSchema>>[];
  logger: Logger;
  metrics: ServiceMetrics;
  /**
   * `amqp://…` or `amqps://…`: messages go through RabbitMQ (publisher confirms) and the service consumes its
   * queues. Unset: HTTP push to `peers`.
   */
  brokerUrl?: string;
  /** RabbitMQ settings: `namespace` prefixes every exchange and queue (default 'ordering'). */
  amqp?: { namespace?: string | undefined; prefetch?: number };
  /** Overrides the transport chosen by `brokerUrl`/`peers` (tests). */
  transport?: Transport;
  /** This service's signing key, its senders' public keys and the operator token (`readMessageSecurity`). */
  security: MessageSecurity;
  relay?: OutboxRelayOptions;
  consumer?: { maxAttempts?: number };
  httpTimeoutMs?: number;
}

export interface Messaging<Tx = unknown> {
  /**
   * Runs `work` in one transaction of the service's database; the messages it enqueued are sent right after
   * commit (the outbox row stays the safety net). Use it for every state change that sends messages.
   */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  transport: Transport;
  relay: OutboxRelay;
  consumer: MessageConsumer;
  deadLetters: DeadLetterStore;
  /** Registers `POST /internal/messages` and the dead-letter and outbox operator routes. */
  registerRoutes(app: HttpServer): void;
  /** Registers the admins' dead-letter routes (`/api/admin/<service>/dead-letters`, both transports), behind `verifier`. */
  registerAdminRoutes(app: HttpServer, verifier: TokenVerifier): void;
  start(): void;
  /** The RabbitMQ connection when `brokerUrl` is set. */
  broker?: BrokerConnection;
  /**
   * Stops consuming (waits, bounded, for deliveries in flight), flushes the outbox (bounded), then closes the
   * transport and the broker connection; call after the HTTP server closed, before the database.
   */
  stop(): Promise<void>;
  /** Sweeps the outbox now: for rows made due outside `transaction` (an operator's retry). */
  wake(): void;
}

const warnAboutDevelopmentMode = (logger: Logger, security: MessageSecurity): void => {
  if (!security.unsafeDevelopmentMode) return;
  const gaps = [
    ...(security.signingKey ? [] : ['its messages are sent unsigned']),
    'unsigned messages are accepted',
    ...(security.operatorToken ? [] : ['the operator routes are open to anyone who reaches this port']),
  ];
  logger.warn({ gaps }, `UNSAFE_DEVELOPMENT_MODE is on: ${gaps.join('; ')}. Never deploy with it.`);
};

/**
 * Everything a service needs to send and receive messages reliably, wired together:
 * `const messaging = createMessaging({...})`, then `messaging.registerRoutes(app)` and `messaging.start()`.
 */
export const createMessaging = <TSchema extends Record<string, unknown>>(
  options: MessagingOptions<TSchema>,
): Messaging<Transaction<TSchema>> => {
  const db = options.database.db;
  const { security } = options;
  warnAboutDevelopmentMode(options.logger, security);
  const signer = createMessageSigner(options.service, security.signingKey);
  const broker = options.brokerUrl
    ? createBrokerConnection({
        url: options.brokerUrl,
        service: options.service,
        logger: options.logger,
        metrics: options.metrics,
        ...(options.amqp?.namespace ? { namespace: options.amqp.namespace } : {}),
      })
    : undefined;
  const transport =
    options.transport ??
    (broker
      ? createAmqpTransport({ connection: broker, logger: options.logger, signer })
      : createHttpTransport({
          peers: options.peers,
          signer,
          ...(options.httpTimeoutMs ? { timeoutMs: options.httpTimeoutMs } : {}),
        }));
  const relay = createOutboxRelay({
    db: db,
    transport,
    logger: options.logger,
    metrics: options.metrics,
    service: options.service,
    ...(options.relay ? { options: options.relay } : {}),
  });
  const transaction = async <T>(work: (tx: Transaction<TSchema>) => Promise<T>): Promise<T> => {
    let outgoing: OutgoingMessage[] = [];
    const result = await db.transaction(async (tx) => {
      // Before start() (and after stop()) nobody sends after commit: the rows are due at once, for the relay.
      if (relay.sending) outgoing = collectOutgoing(tx, relay.leaseMs);
      return work(tx);
    });
    relay.sendCommitted(outgoing);
    return result;
  };
  const consumer = createMessageConsumer<Transaction<TSchema>>({
    service: options.service,
    runInTransaction: transaction,
    db: db,
    handlers: options.handlers,
    logger: options.logger,
    metrics: options.metrics,
    ...(options.consumer?.maxAttempts ? { maxAttempts: options.consumer.maxAttempts } : {}),
    ...(transport.name ? { messagingSystem: transport.name } : {}),
  });
  const deadLetters = createDeadLetterStore(db, options.service);
  registerDeadLetterMetrics({ db, service: options.service, metrics: options.metrics, logger: options.logger, broker });
  const amqpConsumer: AmqpConsumer | undefined = broker
    ? createAmqpConsumer({
        connection: broker,
        service: options.service,
        consumer,
        // Through the broker an operator's repaired replay arrives signed with the operator token.
        verifier: createMessageVerifier({
          publicKeys: security.publicKeys,
          operatorToken: security.operatorToken,
          acceptUnsigned: security.unsafeDevelopmentMode,
        }),
        logger: options.logger,
        ...(options.amqp?.prefetch ? { prefetch: options.amqp.prefetch } : {}),
      })
    : undefined;
  return {
    transaction,
    transport,
    relay,
    consumer,
    deadLetters,
    ...(broker ? { broker } : {}),
    registerRoutes: (app) =>
      registerMessageRoutes(app, {
        service: options.service,
        consumer,
        deadLetters,
        relay,
        operatorToken: security.operatorToken,
        // With a broker nothing may push messages over HTTP: the intake route does not exist.
        intake: broker
          ? undefined
          : createMessageVerifier({ publicKeys: security.publicKeys, acceptUnsigned: security.unsafeDevelopmentMode }),
      }),
    registerAdminRoutes: (app, verifier) =>
      registerAdminDeadLetterRoutes(app, {
        service: options.service,
        consumer,
        deadLetters,
        verifier,
        queued: broker ? createQueuedDeadLetters({ broker, service: options.service, operatorToken: security.operatorToken }) : undefined,
      }),
    start() {
      relay.start();
      amqpConsumer?.start();
      // In the background: the service serves HTTP (and fills its outbox) while the broker is still away.
      broker?.start();
    },
    async stop() {
      // Consumers first, so nothing new starts while the relay flushes what the last handlers wrote.
      await amqpConsumer?.stop();
      await relay.stop();
      await transport.close();
      await broker?.close();
    },
    wake: () => relay.wake(),
  };
};
