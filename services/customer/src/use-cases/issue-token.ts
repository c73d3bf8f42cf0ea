import { AppError } from '@ordering/platform';
import type { CustomerDatabase } from '../db/customer-database.js';
import { findCustomerWithCredentialsByEmail, replacePasswordHash } from '../db/customer-repository.js';
import { judgeCredentials } from '../domain/credentials.js';
import type { CustomerWithCredentials } from '../domain/customer.js';
import { CustomerErrors } from '../domain/customer-errors.js';
import type { PasswordHasher } from '../security/password-hashing.js';
import type { IssuedToken, TokenSigner } from '../security/token-signer.js';
import { acceptLoginSuccess, countLoginFailure, refuseWhileLocked, throttleKeysOf, type Clock } from './login-throttling.js';

export interface Credentials {
  email: string;
  password: string;
}

export interface IssueTokenDeps {
  database: CustomerDatabase;
  tokenSigner: TokenSigner;
  passwordHasher: PasswordHasher;
  clock: Clock;
  /** Where a postponed rehash is noted (the request's logger, so the line carries the request id). */
  logger: { warn(details: object, message: string): void };
}

const invalidCredentials = (): AppError =>
  new AppError(CustomerErrors.INVALID_CREDENTIALS, 401, { detail: 'The email or password is incorrect' });

/**
 * Replaces a hash made at an older, cheaper cost while the password is at hand. The login has already succeeded, so
 * a full hash queue only postpones this to a later login instead of failing this one.
 */
const rehashIfOutdated = async (deps: IssueTokenDeps, customer: CustomerWithCredentials, password: string): Promise<void> => {
  if (!deps.passwordHasher.isOutdated(customer.passwordHash)) return;
  try {
    await replacePasswordHash(deps.database.db, customer.id, customer.passwordHash, await deps.passwordHasher.hash(password));
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'SERVICE_UNAVAILABLE')) throw error;
    deps.logger.warn({ customerId: customer.id }, 'password hash queue full: the outdated hash is kept until a later login');
  }
};

/**
 * Exchanges an email and password for an access token. An unknown email still costs one scrypt run against a
 * decoy hash and counts against the throttle like a known one, so neither the answer nor its timing tells whether
 * the email is registered. A locked account or client is refused before any hashing.
 */
export const issueToken = async (deps: IssueTokenDeps, credentials: Credentials, clientIp: string): Promise<IssuedToken> => {
  const keys = throttleKeysOf({ email: credentials.email, clientIp });
  await refuseWhileLocked(deps.database, keys, deps.clock());
  const customer = await findCustomerWithCredentialsByEmail(deps.database.db, credentials.email);
  const storedHash = customer?.passwordHash ?? (await deps.passwordHasher.decoyHash());
  const passwordMatches = await deps.passwordHasher.verify(credentials.password, storedHash);
  const check = judgeCredentials(customer, passwordMatches);
  if (check.outcome === 'rejected' || !customer) {
    await countLoginFailure(deps.database, keys, deps.clock());
    throw invalidCredentials();
  }
  await acceptLoginSuccess(deps.database, keys, deps.clock());
  await rehashIfOutdated(deps, customer, credentials.password);
  return deps.tokenSigner.sign({ customerId: check.customer.id, role: check.customer.role });
};
