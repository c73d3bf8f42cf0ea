import { decodeCursor, type PageQuery } from '@ordering/platform';
import type { LedgerEntry } from '../domain/account.js';
import type { AccountDb } from '../db/account-database.js';
import { listLedgerEntries } from '../db/ledger-repository.js';

/** One page of the caller's ledger, newest first (limit + 1 rows; the HTTP layer turns them into a page). */
export const listMyLedgerEntries = async (db: AccountDb, customerId: string, query: PageQuery): Promise<LedgerEntry[]> =>
  listLedgerEntries(db, customerId, { limit: query.limit, after: query.cursor === undefined ? undefined : decodeCursor(query.cursor) });
