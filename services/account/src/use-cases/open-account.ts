import type { CustomerMessages } from '@ordering/contracts';
import type { AccountExecutor } from '../db/account-database.js';
import { ensureAccount } from '../db/account-repository.js';

/**
 * A newly registered customer gets an account with balance 0. Idempotent, and the same as the lazy creation on
 * first use, so it does not matter which comes first or how often the event is delivered.
 */
export const openAccount = async (tx: AccountExecutor, event: CustomerMessages.CustomerRegistered): Promise<void> => {
  await ensureAccount(tx, event.customerId);
};
