import { buildMessagingServiceApp, type MessagingServiceDeps } from '@ordering/messaging';
import type { HttpServer } from '@ordering/platform';
import type { AccountDatabase } from './db/account-database.js';
import { registerAccountRoutes } from './http/account-routes.js';

export type AccountDeps = MessagingServiceDeps<AccountDatabase>;

export const buildApp = (deps: AccountDeps): Promise<HttpServer> =>
  buildMessagingServiceApp({
    service: 'account',
    deps,
    openapi: { title: 'Account service', description: 'Balances, deposits and the append-only ledger' },
    registerRoutes: (app) => registerAccountRoutes(app, { db: deps.database.db, verifier: deps.verifier }),
  });
