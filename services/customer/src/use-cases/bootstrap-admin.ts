import { randomUUID } from 'node:crypto';
import type { CustomerDatabase } from '../db/customer-database.js';
import { findCustomerWithCredentialsByEmail, grantAdminWithPassword, insertCustomerUnlessEmailTaken } from '../db/customer-repository.js';
import { ADMIN_NAME } from '../domain/registration-rules.js';
import { publishCustomerRegistered } from '../messages/customer-registered.js';
import { hashPassword, verifyPassword } from '../security/password-hashing.js';

export interface AdminCredentials {
  email: string;
  password: string;
}

export type BootstrapOutcome = 'created-or-updated' | 'unchanged';

/**
 * Makes sure the configured admin exists, has the admin role and logs in with the configured password. Safe to run
 * on every start of every replica: an admin that already matches is left alone (its hash is not churned), and
 * replicas racing each other converge through the email's unique index instead of failing.
 */
export const bootstrapAdmin = async (database: CustomerDatabase, admin: AdminCredentials): Promise<BootstrapOutcome> => {
  const existing = await findCustomerWithCredentialsByEmail(database.db, admin.email);
  const passwordMatches = existing ? await verifyPassword(admin.password, existing.passwordHash) : false;
  if (existing?.role === 'admin' && passwordMatches) return 'unchanged';

  const passwordHash = existing && passwordMatches ? existing.passwordHash : await hashPassword(admin.password);
  await database.db.transaction(async (tx) => {
    const created = await insertCustomerUnlessEmailTaken(tx, { id: randomUUID(), name: ADMIN_NAME, email: admin.email, passwordHash, role: 'admin' });
    // A new admin is a new customer like any other; a promoted one was announced when it registered.
    if (created) await publishCustomerRegistered(tx, created);
    // Also covers a customer who registered this email first: the configured password replaces theirs.
    await grantAdminWithPassword(tx, admin.email, passwordHash);
  });
  return 'created-or-updated';
};
