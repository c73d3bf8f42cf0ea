import { buildMessagingServiceApp, type MessagingServiceDeps } from '@ordering/messaging';
import type { KeyObject } from 'node:crypto';
import type { HttpServer, Logger, TokenVerifier } from '@ordering/platform';
import type { CustomerDatabase, CustomerTx } from './db/customer-database.js';
import { registerCustomerRoutes } from './http/customer-routes.js';
import { registerJwksRoutes } from './http/jwks-routes.js';
import { registerTokenRoutes } from './http/token-routes.js';
import { createPasswordHasher, type PasswordHasher, type PasswordHashingOptions } from './security/password-hashing.js';
import { createLocalTokenVerifier, createTokenSigner, type TokenSigner } from './security/token-signer.js';
import { bootstrapAdmin, type AdminCredentials, type BootstrapOutcome } from './use-cases/bootstrap-admin.js';
import { ensureSigningKeys } from './use-cases/ensure-signing-keys.js';
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

export interface CustomerAssemblyOptions extends Pick<
  CustomerDeps,
  'logger' | 'metrics' | 'database' | 'messaging' | 'clock' | 'trustedProxies'
> {
  /** `SIGNING_KEY_ENCRYPTION_KEY`; a stored key it cannot open is a ConfigError. */
  encryptionKey: KeyObject | undefined;
  tokenTtlSeconds: number;
  passwordHashing: PasswordHashingOptions;
  /** Made sure to exist before the app serves. */
  admin: AdminCredentials | undefined;
}

export interface CustomerAssembly {
  app: HttpServer;
  tokenSigner: TokenSigner;
  passwordHasher: PasswordHasher;
}

const reportAdminBootstrap = (logger: Logger, { email }: AdminCredentials, bootstrap: BootstrapOutcome): void => {
  if (bootstrap.outcome === 'created') logger.info({ email }, 'admin account created');
  else if (bootstrap.existingRole === 'admin') logger.info({ email }, 'admin account exists: left as it is (its password is not reset)');
  else logger.warn({ email }, 'ADMIN_EMAIL belongs to a registered customer: not promoted, no admin created; configure another address');
};

/** The stored signing key, the token signer, the password hasher and the admin, then the app: main.ts and the tests wire it alike. */
export const assembleCustomerApp = async (options: CustomerAssemblyOptions): Promise<CustomerAssembly> => {
  const { logger, database, messaging } = options;
  const signingKeys = await ensureSigningKeys(database, { encryptionKey: options.encryptionKey, logger });
  const tokenSigner = await createTokenSigner(signingKeys, options.tokenTtlSeconds);
  logger.info({ kid: tokenSigner.kid }, 'token signing key loaded');
  const passwordHasher = createPasswordHasher(options.passwordHashing);
  if (options.admin) {
    reportAdminBootstrap(logger, options.admin, await bootstrapAdmin(database, passwordHasher, options.admin));
    // A newly created admin's CustomerRegistered is in the outbox: the relay's first pass sends it.
    messaging.wake();
  }
  const app = await buildApp({ ...options, verifier: createLocalTokenVerifier(tokenSigner.jwks), tokenSigner, passwordHasher });
  return { app, tokenSigner, passwordHasher };
};
