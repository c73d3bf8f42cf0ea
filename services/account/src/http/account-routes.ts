import { authenticate, PageQuery, principalOf, toPage, type HttpServer, type TokenVerifier } from '@ordering/platform';
import type { AccountDb } from '../db/account-database.js';
import { depositFunds } from '../use-cases/deposit-funds.js';
import { getAccount } from '../use-cases/get-account.js';
import { listMyLedgerEntries } from '../use-cases/list-ledger-entries.js';
import { presentAccount, presentLedgerEntry } from './account-presenters.js';
import { AccountView, DepositBody, DepositHeaders, DepositResult, LedgerPage } from './account-schemas.js';

export interface AccountRouteDeps {
  db: AccountDb;
  verifier: TokenVerifier;
}

const TAGS = ['accounts'];
const SECURITY = [{ bearerAuth: [] }];

export const registerAccountRoutes = (app: HttpServer, { db, verifier }: AccountRouteDeps): void => {
  app.get(
    '/api/accounts/me',
    {
      onRequest: authenticate(verifier),
      schema: { tags: TAGS, summary: "The caller's account and balance", security: SECURITY, response: { 200: AccountView } },
    },
    async (request) => presentAccount(await getAccount(db, principalOf(request).customerId)),
  );

  app.post(
    '/api/accounts/me/deposits',
    {
      onRequest: authenticate(verifier),
      schema: {
        tags: TAGS,
        summary: "Deposit money into the caller's account",
        security: SECURITY,
        headers: DepositHeaders,
        body: DepositBody,
        response: { 201: DepositResult },
      },
    },
    async (request, reply) => {
      const receipt = await depositFunds(db, {
        customerId: principalOf(request).customerId,
        amount: request.body.amount,
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (receipt.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send({ account: presentAccount(receipt.account), entry: presentLedgerEntry(receipt.entry) });
    },
  );

  app.get(
    '/api/accounts/me/entries',
    {
      onRequest: authenticate(verifier),
      schema: {
        tags: TAGS,
        summary: "The caller's ledger, newest first",
        security: SECURITY,
        querystring: PageQuery,
        response: { 200: LedgerPage },
      },
    },
    async (request) => {
      const entries = await listMyLedgerEntries(db, principalOf(request).customerId, request.query);
      return toPage(entries, request.query.limit, presentLedgerEntry);
    },
  );
};
