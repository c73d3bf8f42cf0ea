import { buildMessagingServiceApp, type MessagingServiceDeps } from '@ordering/messaging';
import type { HttpServer, TokenVerifier } from '@ordering/platform';
import type { CustomerDatabase, CustomerTx } from './db/customer-database.js';
import { registerCustomerRoutes } from './http/customer-routes.js';
import { registerJwksRoutes } from './http/jwks-routes.js';
import { registerTokenRoutes } from './http/token-routes.js';
import type { PasswordHasher } from './security/password-hashing.js';
import type { TokenSigner } from './security/token-signer.js';
import type { Clock } from './use-cases/login-throttling.js';

export interface CustomerDeps extends MessagingServiceDeps<CustomerDatabase, CustomerTx> {
  /** Verifies tokens on authenticated routes; in production it holds this service's own stored public keys. */
  verifier: TokenVerifier;
  tokenSigner: TokenSigner;
  /** Every scrypt run of this process goes through it (bounded concurrency and queue). */
  passwordHasher: PasswordHasher;
  /** The login throttle's time; tests move it instead of sleeping. */
  clock: Clock;
  /** `TRUSTED_PROXIES`: whose x-forwarded-for names the client that the login throttle counts. */
  trustedProxies: readonly string[];
}

export const buildApp = (deps: CustomerDeps): Promise<HttpServer> =>
  buildMessagingServiceApp({
    service: 'customer',
    deps,
    trustProxy: deps.trustedProxies,
    openapi: { title: 'Customer service', description: 'Registration, access tokens and the token signing keys' },
    registerRoutes: (app) => {
      registerCustomerRoutes(app, deps);
      registerTokenRoutes(app, deps);
      registerJwksRoutes(app, deps);
    },
  });
