import { and, desc, eq, sql } from 'drizzle-orm';
import type { CursorPosition } from '@ordering/platform';
import type { LedgerEntry } from '../domain/account.js';
import type { AccountExecutor } from './account-database.js';
import { ledgerEntries } from './schema.js';

type LedgerEntryRow = typeof ledgerEntries.$inferSelect;

export const toLedgerEntry = (row: LedgerEntryRow): LedgerEntry => ({
  id: row.id,
  customerId: row.customerId,
  kind: row.kind,
  amount: row.amount,
  balanceAfter: row.balanceAfter,
  orderId: row.orderId,
  createdAt: row.createdAt,
});

/** Newest first; fetches `limit + 1` rows so the caller can tell whether another page exists. */
export const listLedgerEntries = async (
  executor: AccountExecutor,
  customerId: string,
  page: { limit: number; after?: CursorPosition | undefined },
): Promise<LedgerEntry[]> => {
  const after = page.after
    ? sql`(${ledgerEntries.createdAt}, ${ledgerEntries.id}) < (${page.after.createdAt}::timestamptz, ${page.after.id}::uuid)`
    : undefined;
  const rows = await executor
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.customerId, customerId), after))
    .orderBy(desc(ledgerEntries.createdAt), desc(ledgerEntries.id))
    .limit(page.limit + 1);
  return rows.map(toLedgerEntry);
};
