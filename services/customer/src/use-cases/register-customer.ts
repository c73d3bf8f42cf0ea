import { randomUUID } from 'node:crypto';
import type { RunInTransaction } from '@ordering/messaging';
import type { CustomerTx } from '../db/customer-database.js';
import { insertCustomer } from '../db/customer-repository.js';
import type { Customer } from '../domain/customer.js';
import type { Registration } from '../domain/registration-rules.js';
import { publishCustomerRegistered } from '../messages/customer-registered.js';
import type { PasswordHasher } from '../security/password-hashing.js';

/**
 * Registers a customer. The hash is computed before the transaction so no connection is held during scrypt (a full
 * hash queue refuses the registration with 503 before anything is written).
 * A taken email (in any case) fails inside the insert with EMAIL_TAKEN, which also settles concurrent attempts.
 * CustomerRegistered joins the same transaction through the outbox, so the account service hears of exactly the
 * customers that exist; it is sent right after commit by `transaction` (messaging's).
 */
export const registerCustomer = async (
  transaction: RunInTransaction<CustomerTx>,
  hasher: PasswordHasher,
  registration: Registration,
): Promise<Customer> => {
  const passwordHash = await hasher.hash(registration.password);
  return transaction(async (tx) => {
    const customer = await insertCustomer(tx, {
      id: randomUUID(),
      name: registration.name,
      email: registration.email,
      passwordHash,
      role: 'customer',
    });
    await publishCustomerRegistered(tx, customer);
    return customer;
  });
};
