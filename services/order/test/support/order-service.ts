import { createMessaging, type Messaging } from '@ordering/messaging';
import type { HttpServer } from '@ordering/platform';
import type { LightMyRequestResponse } from 'fastify';
import { createTestTokens, participantMessagingOptions, startServiceTestParts, type TestTokens } from '@ordering/testing';
import { buildApp } from '../../src/app.js';
import type { Order } from '../../src/domain/order.js';
import { SERVICE_MIGRATIONS } from '../../src/db/migrations.js';
import { connectOrderDatabase, type OrderDatabase } from '../../src/db/order-database.js';
import { createOrderRepository, type OrderRepository } from '../../src/db/order-repository.js';
import { createOrderMessageHandlers } from '../../src/messages/order-message-handlers.js';

export interface OrderServiceUnderTest {
  app: HttpServer;
  database: OrderDatabase;
  orders: OrderRepository;
  tokens: TestTokens;
  /** Wired as main.ts wires it, with the orchestrator unreachable; its relay is not started. */
  messaging: Messaging;
  /** Stores orders the way the sagas will: each with its lines, in one transaction. */
  given(...orders: Order[]): Promise<void>;
  tokenFor(customerId: string, role?: 'customer' | 'admin'): Promise<string>;
  get(url: string, token?: string): Promise<LightMyRequestResponse>;
  countRows(table: 'orders' | 'order_items' | 'menu_items' | 'order_tombstones' | 'outbox_messages'): Promise<number>;
  /** Statements the service's pool has sent so far (db_client_queries_total), BEGIN and COMMIT included. */
  statementsSent(): Promise<number>;
  close(): Promise<void>;
}

export interface OrderServiceOptions {
  poolSize?: number;
}

/** The real service on a fresh, migrated database of its own; concurrency tests ask for a larger pool. */
export const startOrderService = async (options: OrderServiceOptions = {}): Promise<OrderServiceUnderTest> => {
  const parts = await startServiceTestParts({
    service: 'order',
    connect: (url, logger, metrics) => connectOrderDatabase(url, options.poolSize ?? 4, logger, metrics),
    migrations: SERVICE_MIGRATIONS,
  });
  const { database, logger, metrics } = parts;
  const tokens = await createTestTokens();
  const messaging = createMessaging(participantMessagingOptions('order', parts, createOrderMessageHandlers({ logger })));
  const app = await buildApp({ logger, metrics, database, verifier: tokens.verifier, messaging });
  const orders = createOrderRepository(database);
  return {
    app,
    database,
    orders,
    tokens,
    messaging,
    async given(...list) {
      await database.db.transaction(async (tx) => {
        for (const order of list) await orders.insertOrder(tx, order);
      });
    },
    tokenFor: (customerId, role = 'customer') => tokens.issue({ customerId, role }),
    get: (url, token) => app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} }),
    countRows: (table) => parts.countOf(table),
    statementsSent: parts.statementsSent,
    async close() {
      await app.close();
      await messaging.stop();
      await parts.close();
    },
  };
};
