/** Accounts hold whole yen; there is no other currency and no fractional money. */
export const CURRENCY = 'JPY';
export type Currency = typeof CURRENCY;

export interface Account {
  customerId: string;
  balance: number;
  currency: Currency;
  updatedAt: Date;
}

export const ENTRY_KINDS = ['DEPOSIT', 'DEBIT', 'REFUND'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** One immutable line of the ledger: every balance change has exactly one. */
export interface LedgerEntry {
  id: string;
  customerId: string;
  kind: EntryKind;
  amount: number;
  balanceAfter: number;
  /** The order a DEBIT or REFUND belongs to; deposits have none. */
  orderId: string | null;
  createdAt: Date;
}
