import { buildMessagingServiceApp, type MessagingServiceDeps } from '@ordering/messaging';
import type { HttpServer } from '@ordering/platform';
import type { OrderDatabase } from './db/order-database.js';
import { createOrderRepository } from './db/order-repository.js';
import { registerMenuRoutes } from './http/menu-routes.js';
import { registerOrderRoutes } from './http/order-routes.js';

export type OrderDeps = MessagingServiceDeps<OrderDatabase>;

export const buildApp = (deps: OrderDeps): Promise<HttpServer> =>
  buildMessagingServiceApp({
    service: 'order',
    deps,
    openapi: { title: 'Order service', description: 'The menu, and orders with their state machine' },
    registerRoutes: (app) => {
      const orders = createOrderRepository(deps.database);
      registerMenuRoutes(app, { orders });
      registerOrderRoutes(app, { orders, verifier: deps.verifier });
    },
  });
