import type { Messaging } from '@ordering/messaging';
import { createHttpServer, databaseReadiness, type HttpServer, type Logger, type ServiceMetrics, type TokenVerifier } from '@ordering/platform';
import type { AccountDatabase } from './db/account-database.js';
import { registerAccountRoutes } from './http/account-routes.js';

export interface AccountDeps {
  logger: Logger;
  metrics: ServiceMetrics;
  database: AccountDatabase;
  verifier: TokenVerifier;
  /** The outbox relay, the consumer behind `POST /internal/messages` and the dead-letter routes (from createMessaging). */
  messaging: Messaging;
}

export const buildApp = async (deps: AccountDeps): Promise<HttpServer> => {
  const app = await createHttpServer({
    service: 'account',
    logger: deps.logger,
    metrics: deps.metrics,
    readiness: [databaseReadiness(deps.database)],
    openapi: { title: 'Account service', description: 'Balances, deposits and the append-only ledger' },
  });
  registerAccountRoutes(app, { db: deps.database.db, verifier: deps.verifier });
  deps.messaging.registerRoutes(app);
  return app;
};
