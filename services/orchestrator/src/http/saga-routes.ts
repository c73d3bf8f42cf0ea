import { authenticate, principalOf, type HttpServer, type TokenVerifier } from '@ordering/platform';
import { createSagaFinishedListener, type SagaEngine, type SagaFinishedListener } from '@ordering/saga';
import type { FastifyReply } from 'fastify';
import type { RunInTransaction } from '@ordering/messaging';
import type { OrchestratorDatabase, OrchestratorTx } from '../db/orchestrator-database.js';
import { OrderSagaJsonSchema, type OrderSagaJson } from '../use-cases/present-order-saga.js';
import { startCancellation } from '../use-cases/start-cancellation.js';
import { startCheckout } from '../use-cases/start-checkout.js';
import { awaitTerminalSaga, isTerminal, viewSaga } from '../use-cases/view-saga.js';
import { CheckoutBody, IdempotencyHeaders, OrderParams, SagaParams, WaitQuery } from './saga-schemas.js';

export interface SagaRouteDeps {
  database: OrchestratorDatabase;
  engine: SagaEngine;
  verifier: TokenVerifier;
  /** Messaging's transaction: a saga's first command is sent right after the commit that starts it. */
  transaction: RunInTransaction<OrchestratorTx>;
}

const sagaLocation = (saga: OrderSagaJson): string => `/api/checkout/${saga.sagaId}`;

/** 202 while the saga runs; with `?wait`, 200 once it is terminal within that time. */
const answer = (reply: FastifyReply, saga: OrderSagaJson, waited: boolean) =>
  waited && isTerminal(saga) ? reply.status(200).send(saga) : reply.status(202).header('location', sagaLocation(saga)).send(saga);

const sagaResponses = { 200: OrderSagaJsonSchema, 202: OrderSagaJsonSchema };

/**
 * `?wait` requests are woken by the saga-finished signal: one LISTEN connection per process, opened on the first
 * wait (same server and credentials as the pool), closed with the app.
 */
const listenForFinishedSagas = (app: HttpServer, deps: SagaRouteDeps): SagaFinishedListener => {
  const listener = createSagaFinishedListener(deps.database.pool.options, app.log);
  app.addHook('onClose', () => listener.close());
  return listener;
};

export const registerSagaRoutes = (app: HttpServer, routeDeps: SagaRouteDeps): void => {
  const deps = { ...routeDeps, finishedSagas: listenForFinishedSagas(app, routeDeps) };
  const customerOnly = authenticate(deps.verifier, ['customer', 'admin']);

  app.post(
    '/api/checkout',
    {
      onRequest: customerOnly,
      schema: {
        tags: ['checkout'],
        summary: 'Check out an order: starts the checkout saga (create the order, debit the account, approve)',
        security: [{ bearerAuth: [] }],
        body: CheckoutBody,
        querystring: WaitQuery,
        headers: IdempotencyHeaders,
        response: sagaResponses,
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const started = await startCheckout(deps, principal, request.body, request.headers['idempotency-key']);
      const wait = request.query.wait ?? 0;
      if (wait === 0)
        return reply
          .status(started.statusCode === 200 ? 200 : 202)
          .header('location', sagaLocation(started.saga))
          .send(started.saga);
      return answer(reply, await awaitTerminalSaga(deps, principal, started.saga, wait), true);
    },
  );

  app.get(
    '/api/checkout/:sagaId',
    {
      onRequest: customerOnly,
      schema: {
        tags: ['checkout'],
        summary: 'Read a checkout or cancel-order saga (its owner or an admin)',
        security: [{ bearerAuth: [] }],
        params: SagaParams,
        response: { 200: OrderSagaJsonSchema },
      },
    },
    async (request) => viewSaga(deps, principalOf(request), request.params.sagaId),
  );

  app.post(
    '/api/orders/:id/cancel',
    {
      onRequest: customerOnly,
      schema: {
        tags: ['orders'],
        summary: 'Cancel an APPROVED order: starts the cancel-order saga, which refunds exactly what was debited',
        security: [{ bearerAuth: [] }],
        params: OrderParams,
        querystring: WaitQuery,
        response: sagaResponses,
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const saga = await startCancellation(deps, principal, request.params.id);
      const wait = request.query.wait ?? 0;
      return wait === 0 ? answer(reply, saga, false) : answer(reply, await awaitTerminalSaga(deps, principal, saga, wait), true);
    },
  );
};
