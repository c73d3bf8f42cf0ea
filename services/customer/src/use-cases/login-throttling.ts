import { createHash } from 'node:crypto';
import { AppError } from '@ordering/platform';
import type { CustomerDatabase } from '../db/customer-database.js';
import { deleteIdleThrottles, lockThrottles, readThrottles, saveThrottle, type ThrottleKey } from '../db/login-throttle-repository.js';
import {
  clientKeyOf,
  forgetFailuresBefore,
  LOGIN_THROTTLE_POLICIES,
  recordFailure,
  recordSuccess,
  retryAfterSeconds,
  type ThrottleScope,
} from '../domain/login-throttle.js';
import { emailComparisonKey } from '../domain/registration-rules.js';

/** The time source of the throttle: tests pass a clock they move, instead of sleeping through a lock. */
export type Clock = () => Date;

export interface LoginAttempt {
  email: string;
  /** The caller's address as this service sees it (through a trusted proxy's x-forwarded-for). */
  clientIp: string;
}

/** One answer for every lock, of the account or of the client, for a known email or not: it tells nothing else. */
const tooManyAttempts = (seconds: number): AppError =>
  new AppError('RATE_LIMITED', 429, {
    detail: 'Too many failed logins. Try again after the time given in Retry-After.',
    headers: { 'retry-after': String(seconds) },
  });

/** The account key is hashed for unknown emails too, so the table holds no address and every email is treated alike. */
export const throttleKeysOf = (attempt: LoginAttempt): ThrottleKey[] => [
  { scope: 'account', key: createHash('sha256').update(emailComparisonKey(attempt.email)).digest('hex') },
  { scope: 'client', key: clientKeyOf(attempt.clientIp) },
];

/** While a key is locked the attempt is refused before any password is checked, and it is not counted. */
export const refuseWhileLocked = async (database: CustomerDatabase, keys: readonly ThrottleKey[], now: Date): Promise<void> => {
  const seconds = retryAfterSeconds(await readThrottles(database.db, keys), now);
  if (seconds !== undefined) throw tooManyAttempts(seconds);
};

/** Counts one failure against the account and the client, under row locks so that concurrent failures all count. */
export const countLoginFailure = (database: CustomerDatabase, keys: readonly ThrottleKey[], now: Date): Promise<void> =>
  database.db.transaction(async (tx) => {
    const states = await lockThrottles(tx, keys, { createMissing: true, now });
    for (const [index, key] of keys.entries())
      await saveThrottle(tx, key, recordFailure(states[index], now, LOGIN_THROTTLE_POLICIES[key.scope]));
  });

/**
 * Clears the account's count after a correct password. If concurrent failures locked a key while this password was
 * being checked, the success is refused like any attempt during a lock: a burst of parallel guesses gains nothing.
 */
export const acceptLoginSuccess = (database: CustomerDatabase, keys: readonly ThrottleKey[], now: Date): Promise<void> =>
  database.db.transaction(async (tx) => {
    const states = await lockThrottles(tx, keys, { createMissing: false, now });
    const seconds = retryAfterSeconds(states, now);
    if (seconds !== undefined) throw tooManyAttempts(seconds);
    for (const [index, key] of keys.entries()) {
      const state = states[index];
      const next = recordSuccess(state, LOGIN_THROTTLE_POLICIES[key.scope]);
      if (state && next !== state) await saveThrottle(tx, key, next);
    }
  });

const PRUNE_BATCH = 1000;

/** Deletes the rows that hold nothing any more, in batches; safe to run on every replica at once. Returns the count. */
export const pruneLoginThrottles = async (database: CustomerDatabase, now: Date): Promise<number> => {
  let total = 0;
  for (const scope of Object.keys(LOGIN_THROTTLE_POLICIES) as ThrottleScope[]) {
    const forgottenBefore = forgetFailuresBefore(now, LOGIN_THROTTLE_POLICIES[scope]);
    for (;;) {
      const deleted = await deleteIdleThrottles(database.db, { scope, forgottenBefore, now, limit: PRUNE_BATCH });
      total += deleted;
      if (deleted < PRUNE_BATCH) break;
    }
  }
  return total;
};
