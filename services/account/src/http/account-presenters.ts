import type { Static } from 'typebox';
import type { Account, LedgerEntry } from '../domain/account.js';
import type { AccountView, LedgerEntryView } from './account-schemas.js';

export const presentAccount = (account: Account): Static<typeof AccountView> => ({
  customerId: account.customerId,
  balance: account.balance,
  currency: account.currency,
  updatedAt: account.updatedAt.toISOString(),
});

export const presentLedgerEntry = (entry: LedgerEntry): Static<typeof LedgerEntryView> => ({
  id: entry.id,
  kind: entry.kind,
  amount: entry.amount,
  balanceAfter: entry.balanceAfter,
  ...(entry.orderId === null ? {} : { orderId: entry.orderId }),
  createdAt: entry.createdAt.toISOString(),
});
