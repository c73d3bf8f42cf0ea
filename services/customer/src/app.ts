import type { Messaging } from '@ordering/messaging';
import { createHttpServer, databaseReadiness, type HttpServer, type Logger, type ServiceMetrics, type TokenVerifier } from '@ordering/platform';
import type { CustomerDatabase } from './db/customer-database.js';
import { registerCustomerRoutes } from './http/customer-routes.js';
import { registerJwksRoutes } from './http/jwks-routes.js';
import { registerTokenRoutes } from './http/token-routes.js';
import type { TokenSigner } from './security/token-signer.js';

export interface CustomerDeps {
  logger: Logger;
  metrics: ServiceMetrics;
  database: CustomerDatabase;
  /** Verifies tokens on authenticated routes; in production it holds this service's own stored public keys. */
  verifier: TokenVerifier;
  /** The outbox relay, the consumer behind `POST /internal/messages` and the dead-letter routes (from createMessaging). */
  messaging: Messaging;
  tokenSigner: TokenSigner;
}

export const buildApp = async (deps: CustomerDeps): Promise<HttpServer> => {
  const app = await createHttpServer({
    service: 'customer',
    logger: deps.logger,
    metrics: deps.metrics,
    readiness: [databaseReadiness(deps.database)],
    openapi: { title: 'Customer service', description: 'Registration, access tokens and the token signing keys' },
  });
  registerCustomerRoutes(app, deps);
  registerTokenRoutes(app, deps);
  registerJwksRoutes(app, deps);
  deps.messaging.registerRoutes(app);
  return app;
};
