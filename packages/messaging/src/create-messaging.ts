import type { Logger, HttpServer, ServiceMetrics } from '@ordering/platform';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { createDeadLetterStore, type DeadLetterStore } from './dead-letter-store.js';
import { createHttpTransport } from './http-transport.js';
import { createMessageConsumer, type MessageConsumer } from './message-consumer.js';
import type { MessageHandler } from './message-handler.js';
import { registerMessageRoutes } from './message-routes.js';
import { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
import type { Transport } from './transport.js';

/** The transaction a service's handlers receive: exactly what `db.transaction(work)` hands to `work`. */
export type ServiceTransaction<TSchema extends Record<string, unknown>> = Parameters<Parameters<NodePgDatabase<TSchema>['transaction']>[0]>[0];

export interface MessagingOptions<TSchema extends Record<string, unknown>> {
  service: string;
  /** The service's database (platform's `Database`); only `db` is used. */
  database: { db: NodePgDatabase<TSchema> };
  /** Base URLs per peer service (from `<SERVICE>_URL` config, comma-separated replicas). */
  peers: Readonly<Record<string, readonly string[]>>;
  handlers: MessageHandler<ServiceTransaction<TSchema>>[];
  logger: Logger;
  metrics: ServiceMetrics;
  /** Defaults to the HTTP transport over `peers`. */
  transport?: Transport;
  relay?: OutboxRelayOptions;
  consumer?: { maxAttempts?: number };
  httpTimeoutMs?: number;
}

export interface Messaging {
  transport: Transport;
  relay: OutboxRelay;
  consumer: MessageConsumer;
  deadLetters: DeadLetterStore;
  /** Registers `POST /internal/messages` and the dead-letter and outbox operator routes. */
  registerRoutes(app: HttpServer): void;
  start(): void;
  /** Flushes the outbox (bounded) and closes the transport; call after the HTTP server closed, before the database. */
  stop(): Promise<void>;
  /** Convenience for use cases that commit outbox rows outside a message handler (HTTP handlers). */
  wake(): void;
}

/**
 * Everything a service needs to send and receive messages reliably, wired together:
 * `const messaging = createMessaging({...})`, then `messaging.registerRoutes(app)` and `messaging.start()`.
 */
export const createMessaging = <TSchema extends Record<string, unknown>>(options: MessagingOptions<TSchema>): Messaging => {
  const db = options.database.db;
  const transport = options.transport ?? createHttpTransport({ peers: options.peers, ...(options.httpTimeoutMs ? { timeoutMs: options.httpTimeoutMs } : {}) });
  const relay = createOutboxRelay({
    db: db,
    transport,
    logger: options.logger,
    metrics: options.metrics,
    service: options.service,
    ...(options.relay ? { options: options.relay } : {}),
  });
  const consumer = createMessageConsumer<ServiceTransaction<TSchema>>({
    service: options.service,
    runInTransaction: (work) => db.transaction(work),
    db: db,
    handlers: options.handlers,
    logger: options.logger,
    metrics: options.metrics,
    ...(options.consumer?.maxAttempts ? { maxAttempts: options.consumer.maxAttempts } : {}),
    onCommitted: () => relay.wake(),
    ...(transport.name ? { messagingSystem: transport.name } : {}),
  });
  const deadLetters = createDeadLetterStore(db, options.service);
  return {
    transport,
    relay,
    consumer,
    deadLetters,
    registerRoutes: (app) => registerMessageRoutes(app, { consumer, deadLetters, relay }),
    start: () => relay.start(),
    async stop() {
      await relay.stop();
      await transport.close();
    },
    wake: () => relay.wake(),
  };
};
