import { AppError, isUniqueViolation } from '@ordering/platform';
import { and, eq, sql } from 'drizzle-orm';
import type { Customer, CustomerRole, CustomerWithCredentials } from '../domain/customer.js';
import { CustomerErrors } from '../domain/customer-errors.js';
import { emailComparisonKey } from '../domain/registration-rules.js';
import { customers } from './schema.js';
import type { CustomerExecutor } from './customer-database.js';

const EMAIL_INDEX = 'customers_email_lower_key';

const publicColumns = {
  id: customers.id,
  name: customers.name,
  email: customers.email,
  role: customers.role,
  createdAt: customers.createdAt,
};

const matchesEmail = (email: string) => sql`lower(${customers.email}) = ${emailComparisonKey(email)}`;

export const findCustomerById = async (executor: CustomerExecutor, id: string): Promise<Customer | undefined> => {
  const rows = await executor.select(publicColumns).from(customers).where(eq(customers.id, id));
  return rows[0];
};

/** The only read that returns a password hash: for checking credentials, never for presenting. */
export const findCustomerWithCredentialsByEmail = async (
  executor: CustomerExecutor,
  email: string,
): Promise<CustomerWithCredentials | undefined> => {
  const rows = await executor.select().from(customers).where(matchesEmail(email));
  return rows[0];
};

export interface NewCustomer {
  id: string;
  name: string;
  email: string;
  passwordHash: string;
  role: CustomerRole;
}

/** The unique index decides between racing registrations; the loser gets EMAIL_TAKEN, not a 500. */
export const insertCustomer = async (executor: CustomerExecutor, customer: NewCustomer): Promise<Customer> => {
  try {
    const rows = await executor.insert(customers).values(customer).returning(publicColumns);
    return rows[0] as Customer;
  } catch (error) {
    if (isUniqueViolation(error, EMAIL_INDEX))
      throw new AppError(CustomerErrors.EMAIL_TAKEN, 409, { detail: 'This email is already registered' });
    throw error;
  }
};

/**
 * Inserts unless the email is taken (in any case); a concurrent insert of the same email makes this a no-op.
 * Returns the customer when this call created it.
 */
export const insertCustomerUnlessEmailTaken = async (executor: CustomerExecutor, customer: NewCustomer): Promise<Customer | undefined> => {
  const rows = await executor.insert(customers).values(customer).onConflictDoNothing().returning(publicColumns);
  return rows[0];
};

/**
 * Swaps a password hash for a stronger one of the same password, only while the row still holds the hash that was
 * checked: a password changed meanwhile (e.g. by the admin bootstrap) is never overwritten with an older one.
 */
export const replacePasswordHash = (
  executor: CustomerExecutor,
  customerId: string,
  checkedHash: string,
  newHash: string,
): Promise<unknown> =>
  executor
    .update(customers)
    .set({ passwordHash: newHash })
    .where(and(eq(customers.id, customerId), eq(customers.passwordHash, checkedHash)));
