import type { KeyObject } from 'node:crypto';
import { createMessaging, type Messaging, type OutboxRelayOptions } from '@ordering/messaging';
import { createLogger, createMetrics, runMigrations, TOKEN_AUDIENCE, TOKEN_ISSUER, type HttpServer, type Logger } from '@ordering/platform';
import { countOf, testMessageSecurity, UNREACHABLE_PEER } from '@ordering/testing';
import type { LightMyRequestResponse } from 'fastify';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTVerifyResult } from 'jose';
import { assembleCustomerApp } from '../../src/app.js';
import { connectCustomerDatabase, type CustomerDatabase } from '../../src/db/customer-database.js';
import { SERVICE_MIGRATIONS } from '../../src/db/migrations.js';
import type { PasswordHasher, PasswordHashingOptions } from '../../src/security/password-hashing.js';
import type { TokenSigner } from '../../src/security/token-signer.js';
import type { AdminCredentials } from '../../src/use-cases/bootstrap-admin.js';
import type { Clock } from '../../src/use-cases/login-throttling.js';
import type { RegistrationBody } from '../builders.js';

export const silentLogger = (): Logger => createLogger({ service: 'customer', level: 'silent' });

/** A logger at info level whose lines the test reads. */
export const capturingLogger = (): { logger: Logger; lines: string[] } => {
  const lines: string[] = [];
  return {
    logger: createLogger({ service: 'customer', level: 'info', destination: { write: (line: string) => void lines.push(line) } }),
    lines,
  };
};

export interface CustomerTestApp {
  app: HttpServer;
  database: CustomerDatabase;
  tokenSigner: TokenSigner;
  passwordHasher: PasswordHasher;
  /** Wired as main.ts wires it; its relay runs only once a test calls `messaging.start()`. */
  messaging: Messaging;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  admin?: AdminCredentials;
  tokenTtlSeconds?: number;
  /** Where the outbox relay delivers; the account service is unreachable unless a test says otherwise. */
  peers?: Record<string, string[]>;
  relay?: OutboxRelayOptions;
  /** SIGNING_KEY_ENCRYPTION_KEY; unset, the signing key rests plain, as without the variable. */
  signingKeyEncryptionKey?: KeyObject;
  /** Defaults to a cheap cost (2^10) so that suites stay quick; tests of the cost itself pass their own. */
  passwordHashing?: Partial<PasswordHashingOptions>;
  /** The login throttle's clock; default the real time. */
  clock?: Clock;
  /** TRUSTED_PROXIES; default the service's own default, loopback. */
  trustedProxies?: readonly string[];
}

/** The customer schema, migrated as the service migrates it at start. */
export const migrateCustomerDatabase = (database: CustomerDatabase, logger: Logger = silentLogger()): Promise<void> =>
  runMigrations(database.pool, SERVICE_MIGRATIONS, logger);

/** Cheap enough for hundreds of hashes per suite; the production cost is tested in password-hashing.test.ts. */
export const TEST_HASHING: PasswordHashingOptions = { costLog2: 10, concurrency: 2, queueLimit: 1000 };

/** Wires the app exactly as main.ts does: migrations, messaging, the stored signing key, the admin bootstrap, buildApp. */
export const startCustomerApp = async (url: string, options: StartOptions = {}): Promise<CustomerTestApp> => {
  const logger = options.logger ?? silentLogger();
  const database = connectCustomerDatabase(url, 5, logger);
  await migrateCustomerDatabase(database, logger);
  const metrics = createMetrics('customer');
  const messaging = createMessaging({
    service: 'customer',
    database,
    peers: options.peers ?? { account: [UNREACHABLE_PEER] },
    handlers: [],
    logger,
    metrics,
    security: testMessageSecurity('customer'),
    ...(options.relay ? { relay: options.relay } : {}),
  });
  const { app, tokenSigner, passwordHasher } = await assembleCustomerApp({
    logger,
    metrics,
    database,
    messaging,
    encryptionKey: options.signingKeyEncryptionKey,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    passwordHashing: { ...TEST_HASHING, ...options.passwordHashing },
    admin: options.admin,
    clock: options.clock ?? (() => new Date()),
    trustedProxies: options.trustedProxies ?? ['127.0.0.1', '::1'],
  });
  return {
    app,
    database,
    tokenSigner,
    passwordHasher,
    messaging,
    async close() {
      await app.close();
      await messaging.stop();
      await database.close();
    },
  };
};

export const register = (app: HttpServer, body: RegistrationBody): Promise<LightMyRequestResponse> =>
  app.inject({ method: 'POST', url: '/api/customers', payload: body });

/** Sends only email and password, so a registration body can be passed as it is. */
export const requestToken = (app: HttpServer, { email, password }: { email: string; password: string }): Promise<LightMyRequestResponse> =>
  app.inject({ method: 'POST', url: '/api/auth/token', payload: { email, password } });

/** A login as it arrives from a given address, optionally through a proxy that names the client in x-forwarded-for. */
export const requestTokenFrom = (
  app: HttpServer,
  { email, password }: { email: string; password: string },
  from: { remoteAddress: string; forwardedFor?: string },
): Promise<LightMyRequestResponse> =>
  app.inject({
    method: 'POST',
    url: '/api/auth/token',
    remoteAddress: from.remoteAddress,
    headers: from.forwardedFor === undefined ? {} : { 'x-forwarded-for': from.forwardedFor },
    payload: { email, password },
  });

/** Logs in and returns the access token; fails the test if login does not succeed. */
export const loginAs = async (app: HttpServer, credentials: { email: string; password: string }): Promise<string> => {
  const response = await requestToken(app, credentials);
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  return (response.json() as { accessToken: string }).accessToken;
};

/** Verifies a token as another service would: against the key set the app publishes. */
export const verifyWithPublishedKeys = async (app: HttpServer, token: string): Promise<JWTVerifyResult> => {
  const jwks = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet;
  return jwtVerify(token, createLocalJWKSet(jwks), { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE });
};

export const getMe = (app: HttpServer, token?: string): Promise<LightMyRequestResponse> =>
  app.inject({ method: 'GET', url: '/api/customers/me', headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

export const countCustomers = (database: CustomerDatabase): Promise<number> => countOf(database.pool, 'customers');
