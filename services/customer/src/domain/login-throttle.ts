/**
 * When failed logins lock an account or a client out, and for how long. Pure: the caller loads and stores the
 * state (one row per key) and passes the time in, so every replica applies the same rules to the same rows.
 */

export type ThrottleScope = 'account' | 'client';

export interface ThrottleState {
  /** Failures counted since the last reset (a success for an account; a quiet spell for either). */
  failures: number;
  lastFailureAt: Date;
  /** Attempts before this instant are answered 429 without checking the password. */
  lockedUntil: Date | undefined;
}

export interface ThrottlePolicy {
  /** The failure that starts the first lock (the attempt itself is still answered normally). */
  lockFromFailure: number;
  firstLockSeconds: number;
  maxLockSeconds: number;
  /** After this long without a failure, the count starts again from zero. */
  forgetAfterSeconds: number;
  /** An account's owner proving the password clears its count; a client's success must not (an attacker's own account would). */
  resetOnSuccess: boolean;
}

export const LOGIN_THROTTLE_POLICIES: Readonly<Record<ThrottleScope, ThrottlePolicy>> = {
  // 4 s from the 5th consecutive failure, doubling per further failure, at most 15 min; forgotten after a quiet day.
  account: { lockFromFailure: 5, firstLockSeconds: 4, maxLockSeconds: 900, forgetAfterSeconds: 86_400, resetOnSuccess: true },
  // A client guessing across many emails: the same growing lock from the 10th failure within a 5-minute decaying window.
  client: { lockFromFailure: 10, firstLockSeconds: 4, maxLockSeconds: 900, forgetAfterSeconds: 300, resetOnSuccess: false },
};

const MS = 1000;

/** How long the failure numbered `failures` locks the key: 0 below the threshold, then doubling up to the cap. */
export const lockSecondsAfter = (failures: number, policy: ThrottlePolicy): number => {
  if (failures < policy.lockFromFailure) return 0;
  const doublings = Math.min(failures - policy.lockFromFailure, 30);
  return Math.min(policy.firstLockSeconds * 2 ** doublings, policy.maxLockSeconds);
};

const isForgotten = (state: ThrottleState, now: Date, policy: ThrottlePolicy): boolean =>
  now.getTime() - state.lastFailureAt.getTime() >= policy.forgetAfterSeconds * MS;

/** The state after one more failure; a lock already running is never shortened. */
export const recordFailure = (state: ThrottleState | undefined, now: Date, policy: ThrottlePolicy): ThrottleState => {
  const failures = state && !isForgotten(state, now, policy) ? state.failures + 1 : 1;
  const lockSeconds = lockSecondsAfter(failures, policy);
  const newLock = lockSeconds > 0 ? new Date(now.getTime() + lockSeconds * MS) : undefined;
  const running = state?.lockedUntil && state.lockedUntil > now ? state.lockedUntil : undefined;
  const lockedUntil = running && (!newLock || running > newLock) ? running : newLock;
  return { failures, lastFailureAt: now, lockedUntil };
};

/** Whether a successful login clears this key's state (undefined: the row goes away) or leaves it as it is. */
export const recordSuccess = (state: ThrottleState | undefined, policy: ThrottlePolicy): ThrottleState | undefined =>
  policy.resetOnSuccess ? undefined : state;

/** Whole seconds until every given key is free again (for Retry-After, at least 1), or undefined when none is locked. */
export const retryAfterSeconds = (states: ReadonlyArray<ThrottleState | undefined>, now: Date): number | undefined => {
  const remaining = Math.max(0, ...states.map((state) => (state?.lockedUntil ? state.lockedUntil.getTime() - now.getTime() : 0)));
  return remaining > 0 ? Math.max(1, Math.ceil(remaining / MS)) : undefined;
};

/** A row whose count is forgotten and whose lock is over holds nothing: it can be deleted. */
export const forgetFailuresBefore = (now: Date, policy: ThrottlePolicy): Date => new Date(now.getTime() - policy.forgetAfterSeconds * MS);

const expandIpv6 = (address: string): string[] | undefined => {
  const [head = '', tail, extra] = address.split('::');
  if (extra !== undefined) return undefined;
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  return [...left, ...Array.from({ length: tail === undefined ? 0 : missing }, () => '0'), ...right];
};

/**
 * The client key: an IPv4 address as it is (also when IPv4-mapped), an IPv6 address by its /64, the smallest block
 * one subscriber usually gets (else one attacker would have 2^64 fresh clients).
 */
export const clientKeyOf = (ip: string): string => {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!ip.includes(':')) return ip;
  const groups = expandIpv6(ip.split('%', 1)[0] ?? ip);
  if (!groups || groups.length !== 8) return ip.toLowerCase();
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
};
