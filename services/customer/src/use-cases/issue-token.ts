import { AppError } from '@ordering/platform';
import type { CustomerDatabase } from '../db/customer-database.js';
import { findCustomerWithCredentialsByEmail } from '../db/customer-repository.js';
import { judgeCredentials } from '../domain/credentials.js';
import { decoyPasswordHash, verifyPassword } from '../security/password-hashing.js';
import type { IssuedToken, TokenSigner } from '../security/token-signer.js';

export interface Credentials {
  email: string;
  password: string;
}

const invalidCredentials = (): AppError => new AppError('INVALID_CREDENTIALS', 401, { detail: 'The email or password is incorrect' });

/**
 * Exchanges an email and password for an access token. An unknown email still costs one scrypt run against a
 * decoy hash, so neither the answer nor its timing tells whether the email is registered.
 */
export const issueToken = async (database: CustomerDatabase, signer: TokenSigner, credentials: Credentials): Promise<IssuedToken> => {
  const customer = await findCustomerWithCredentialsByEmail(database.db, credentials.email);
  const passwordMatches = await verifyPassword(credentials.password, customer?.passwordHash ?? (await decoyPasswordHash()));
  const check = judgeCredentials(customer, passwordMatches);
  if (check.outcome === 'rejected') throw invalidCredentials();
  return signer.sign({ customerId: check.customer.id, role: check.customer.role });
};
