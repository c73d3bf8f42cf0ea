import { randomUUID } from 'node:crypto';
import type { CustomerDatabase } from '../db/customer-database.js';
import { findCustomerWithCredentialsByEmail, insertCustomerUnlessEmailTaken } from '../db/customer-repository.js';
import type { CustomerRole } from '../domain/customer.js';
import { ADMIN_NAME } from '../domain/registration-rules.js';
import { publishCustomerRegistered } from '../messages/customer-registered.js';
import type { PasswordHasher } from '../security/password-hashing.js';

export interface AdminCredentials {
  email: string;
  password: string;
}

/**
 * `created`: this call made the admin. `exists`: the email is already registered and is left exactly as it is;
 * `existingRole` says whether that is an admin or a customer who registered the address first (not promoted: that
 * would hand admin rights to whoever knows that customer's password).
 */
export type BootstrapOutcome = { outcome: 'created' } | { outcome: 'exists'; existingRole: CustomerRole };

/**
 * Makes sure the configured admin exists. Safe to run on every start of every replica: an existing account is never
 * changed, so a restart cannot reset a password the admin has since changed (or put back a leaked default), and
 * replicas racing each other converge through the email's unique index instead of failing.
 */
export const bootstrapAdmin = async (
  database: CustomerDatabase,
  hasher: PasswordHasher,
  admin: AdminCredentials,
): Promise<BootstrapOutcome> => {
  const existing = await findCustomerWithCredentialsByEmail(database.db, admin.email);
  if (existing) return { outcome: 'exists', existingRole: existing.role };

  const passwordHash = await hasher.hash(admin.password);
  const created = await database.db.transaction(async (tx) => {
    const inserted = await insertCustomerUnlessEmailTaken(tx, {
      id: randomUUID(),
      name: ADMIN_NAME,
      email: admin.email,
      passwordHash,
      role: 'admin',
    });
    // A new admin is a new customer like any other.
    if (inserted) await publishCustomerRegistered(tx, inserted);
    return inserted;
  });
  if (created) return { outcome: 'created' };
  // Another replica (or a registration) won the race between our read and our insert.
  const winner = await findCustomerWithCredentialsByEmail(database.db, admin.email);
  return { outcome: 'exists', existingRole: winner?.role ?? 'admin' };
};
