import type { Messaging } from '@ordering/messaging';
import { createHttpServer, databaseReadiness, type HttpServer, type Logger, type ServiceMetrics, type TokenVerifier } from '@ordering/platform';
import type { OrderDatabase } from './db/order-database.js';
import { createOrderRepository } from './db/order-repository.js';
import { registerMenuRoutes } from './http/menu-routes.js';
import { registerOrderRoutes } from './http/order-routes.js';

export interface OrderDeps {
  logger: Logger;
  metrics: ServiceMetrics;
  database: OrderDatabase;
  verifier: TokenVerifier;
  /** The outbox relay, the consumer behind `POST /internal/messages` and the dead-letter routes (from createMessaging). */
  messaging: Messaging;
}

export const buildApp = async (deps: OrderDeps): Promise<HttpServer> => {
  const app = await createHttpServer({
    service: 'order',
    logger: deps.logger,
    metrics: deps.metrics,
    readiness: [databaseReadiness(deps.database)],
    openapi: { title: 'Order service', description: 'The menu, and orders with their state machine' },
  });
  const orders = createOrderRepository(deps.database);
  registerMenuRoutes(app, { orders });
  registerOrderRoutes(app, { orders, verifier: deps.verifier });
  deps.messaging.registerRoutes(app);
  return app;
};
