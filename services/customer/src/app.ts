import type { Messaging } from '@ordering/messaging';
import { createHttpServer, databaseReadiness, type HttpServer, type Logger, type ServiceMetrics, type TokenVerifier } from '@ordering/platform';
import type { CustomerDatabase, CustomerTx } from './db/customer-database.js';
import { registerCustomerRoutes } from './http/customer-routes.js';
import { registerJwksRoutes } from './http/jwks-routes.js';
import { registerTokenRoutes } from './http/token-routes.js';
import type { PasswordHasher } from './security/password-hashing.js';
import type { TokenSigner } from './security/token-signer.js';
import type { Clock } from './use-cases/login-throttling.js';

export interface CustomerDeps {
  logger: Logger;
  metrics: ServiceMetrics;
  database: CustomerDatabase;
  /** Verifies tokens on authenticated routes; in production it holds this service's own stored public keys. */
  verifier: TokenVerifier;
  /** The outbox relay, the consumer behind `POST /internal/messages` and the dead-letter routes (from createMessaging). */
  messaging: Messaging<CustomerTx>;
  tokenSigner: TokenSigner;
  /** Every scrypt run of this process goes through it (bounded concurrency and queue). */
  passwordHasher: PasswordHasher;
  /** The login throttle's time; tests move it instead of sleeping. */
  clock: Clock;
  /** `TRUSTED_PROXIES`: whose x-forwarded-for names the client that the login throttle counts. */
  trustedProxies: readonly string[];
}

export const buildApp = async (deps: CustomerDeps): Promise<HttpServer> => {
  const app = await createHttpServer({
    service: 'customer',
    logger: deps.logger,
    metrics: deps.metrics,
    readiness: [databaseReadiness(deps.database)],
    trustProxy: deps.trustedProxies,
    openapi: { title: 'Customer service', description: 'Registration, access tokens and the token signing keys' },
  });
  registerCustomerRoutes(app, deps);
  registerTokenRoutes(app, deps);
  registerJwksRoutes(app, deps);
  deps.messaging.registerRoutes(app);
  return app;
};
