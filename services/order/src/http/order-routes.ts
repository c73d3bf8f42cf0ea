import { authenticate, Page, principalOf, toPage, type HttpServer, type TokenVerifier } from '@ordering/platform';
import type { OrderRepository } from '../db/order-repository.js';
import { listOrders } from '../use-cases/list-orders.js';
import { viewOrder } from '../use-cases/view-order.js';
import { ListOrdersQuery, OrderParams, OrderSchema, presentOrder } from './order-schemas.js';

export interface OrderRouteDeps {
  orders: OrderRepository;
  verifier: TokenVerifier;
}

export const registerOrderRoutes = (app: HttpServer, deps: OrderRouteDeps): void => {
  app.get(
    '/api/orders',
    {
      onRequest: authenticate(deps.verifier),
      schema: {
        tags: ['orders'],
        summary: "List orders newest first: a customer's own, or every order for an admin",
        security: [{ bearerAuth: [] }],
        querystring: ListOrdersQuery,
        response: { 200: Page(OrderSchema) },
      },
    },
    async (request) => {
      const rows = await listOrders(deps.orders, principalOf(request), request.query);
      return toPage(rows, request.query.limit, presentOrder);
    },
  );

  app.get(
    '/api/orders/:id',
    {
      onRequest: authenticate(deps.verifier),
      schema: {
        tags: ['orders'],
        summary: 'Read one order (its owner or an admin)',
        security: [{ bearerAuth: [] }],
        params: OrderParams,
        response: { 200: OrderSchema },
      },
    },
    async (request) => presentOrder(await viewOrder(deps.orders, principalOf(request), request.params.id)),
  );
};
