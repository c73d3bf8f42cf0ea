import { createMessaging, type Messaging } from '@ordering/messaging';
import type { HttpServer } from '@ordering/platform';
import type { LightMyRequestResponse } from 'fastify';
import { createTestTokens, participantMessagingOptions, startServiceTestParts, type TestTokens } from '@ordering/testing';
import { buildApp } from '../../src/app.js';
import type { EntryKind } from '../../src/domain/account.js';
import { connectAccountDatabase, type AccountDatabase } from '../../src/db/account-database.js';
import { SERVICE_MIGRATIONS } from '../../src/db/migrations.js';
import { createAccountMessageHandlers } from '../../src/messages/account-message-handlers.js';

export interface DepositOptions {
  idempotencyKey?: string;
  /** Sent verbatim instead of JSON-encoding `body`, for malformed and hostile payloads. */
  rawBody?: string;
  contentType?: string;
}

export interface StoredEntry {
  kind: EntryKind;
  amount: number;
  balanceAfter: number;
}

export interface AccountServiceUnderTest {
  app: HttpServer;
  database: AccountDatabase;
  tokens: TestTokens;
  /** Wired as main.ts wires it, with the orchestrator unreachable; its relay is not started. */
  messaging: Messaging;
  tokenFor(customerId: string, role?: 'customer' | 'admin'): Promise<string>;
  getMe(token?: string): Promise<LightMyRequestResponse>;
  deposit(token: string | undefined, body: unknown, options?: DepositOptions): Promise<LightMyRequestResponse>;
  entries(token?: string, query?: string): Promise<LightMyRequestResponse>;
  /** Read straight from the database, so assertions do not trust the API under test. */
  balanceOf(customerId: string): Promise<number | undefined>;
  ledgerOf(customerId: string): Promise<StoredEntry[]>;
  countRows(table: 'accounts' | 'ledger_entries' | 'idempotency_keys', customerId: string): Promise<number>;
  /** Statements the service's pool has sent so far (db_client_queries_total), BEGIN and COMMIT included. */
  statementsSent(): Promise<number>;
  close(): Promise<void>;
}

const bearer = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/** The real service on a fresh, migrated database of its own; the pool is large enough for concurrency tests. */
export const startAccountService = async (): Promise<AccountServiceUnderTest> => {
  const parts = await startServiceTestParts({
    service: 'account',
    connect: (url, logger, metrics) => connectAccountDatabase(url, 25, logger, metrics),
    migrations: SERVICE_MIGRATIONS,
  });
  const { database, logger, metrics } = parts;
  const tokens = await createTestTokens();
  const messaging = createMessaging(participantMessagingOptions('account', parts, createAccountMessageHandlers({ logger })));
  const app = await buildApp({ logger, metrics, database, verifier: tokens.verifier, messaging });
  return {
    app,
    database,
    tokens,
    messaging,
    tokenFor: (customerId, role = 'customer') => tokens.issue({ customerId, role }),
    getMe: (token) => app.inject({ method: 'GET', url: '/api/accounts/me', headers: bearer(token) }),
    deposit: (token, body, options = {}) =>
      app.inject({
        method: 'POST',
        url: '/api/accounts/me/deposits',
        headers: {
          ...bearer(token),
          'content-type': options.contentType ?? 'application/json',
          ...(options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey }),
        },
        payload: options.rawBody ?? JSON.stringify(body),
      }),
    entries: (token, query = '') => app.inject({ method: 'GET', url: `/api/accounts/me/entries${query}`, headers: bearer(token) }),
    async balanceOf(customerId) {
      const result = await database.pool.query<{ balance: number }>('select balance from accounts where customer_id = $1', [customerId]);
      return result.rows[0]?.balance;
    },
    async ledgerOf(customerId) {
      const result = await database.pool.query<StoredEntry>(
        'select kind, amount, balance_after as "balanceAfter" from ledger_entries where customer_id = $1 order by created_at, id',
        [customerId],
      );
      return result.rows;
    },
    countRows: (table, customerId) => parts.countOf(table, { customer_id: customerId }),
    statementsSent: parts.statementsSent,
    async close() {
      await app.close();
      await messaging.stop();
      await parts.close();
    },
  };
};
