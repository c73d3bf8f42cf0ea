import { notFound } from '@ordering/platform';
import type { CustomerDatabase } from '../db/customer-database.js';
import { findCustomerById } from '../db/customer-repository.js';
import type { Customer } from '../domain/customer.js';

/** A valid token can outlive its customer (for example after a database reset): that is a 404, not a 500. */
export const findOwnProfile = async (database: CustomerDatabase, customerId: string): Promise<Customer> => {
  const customer = await findCustomerById(database.db, customerId);
  if (!customer) throw notFound('The customer of this token no longer exists');
  return customer;
};
