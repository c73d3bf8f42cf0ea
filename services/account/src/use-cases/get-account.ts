import type { Account } from '../domain/account.js';
import type { AccountDb } from '../db/account-database.js';
import { ensureAccount, findAccount } from '../db/account-repository.js';

/**
 * A registered customer always has an account. Until CustomerRegistered creates it, the first look creates it
 * (balance 0); reading first keeps the common case a plain SELECT instead of a write per request.
 */
export const getAccount = async (db: AccountDb, customerId: string): Promise<Account> => {
  const existing = await findAccount(db, customerId);
  if (existing) return existing;
  await ensureAccount(db, customerId);
  const created = await findAccount(db, customerId);
  if (!created) throw new Error(`account ${customerId} is missing right after ensureAccount`);
  return created;
};
