import { describe, expect, it } from 'vitest';
import {
  clientKeyOf,
  lockSecondsAfter,
  LOGIN_THROTTLE_POLICIES,
  recordFailure,
  recordSuccess,
  retryAfterSeconds,
  type ThrottleState,
} from '../src/domain/login-throttle.js';

const { account, client } = LOGIN_THROTTLE_POLICIES;
const T0 = new Date('2026-12-03T10:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

/** `count` failures one second apart, from T0. */
const failures = (count: number, policy = account): ThrottleState | undefined => {
  let state: ThrottleState | undefined;
  for (let index = 0; index < count; index += 1) state = recordFailure(state, at(index), policy);
  return state;
};

describe('login throttle policy', () => {
  it('when an account fails 4 times, then it is not locked; the 5th failure locks it for 4 s, and each further one doubles that', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((count) => lockSecondsAfter(count, account))).toEqual([0, 0, 0, 0, 4, 8, 16, 32]);
  });

  it('when failures go on, then the lock stops growing at 15 minutes, however many there are', () => {
    expect(lockSecondsAfter(12, account)).toBe(512);
    expect(lockSecondsAfter(13, account)).toBe(900);
    expect(lockSecondsAfter(10_000, account)).toBe(900);
  });

  it('when a client fails, then its first lock comes at the 10th failure', () => {
    expect(lockSecondsAfter(9, client)).toBe(0);
    expect(lockSecondsAfter(10, client)).toBe(4);
    expect(lockSecondsAfter(11, client)).toBe(8);
  });

  it('when the 5th failure is recorded, then Retry-After counts whole seconds up to the end of the lock', () => {
    const state = failures(5);

    expect(state).toEqual({ failures: 5, lastFailureAt: at(4), lockedUntil: at(8) });
    expect(retryAfterSeconds([state], at(4))).toBe(4);
    expect(retryAfterSeconds([state], at(7.2))).toBe(1);
    expect(retryAfterSeconds([state], at(8))).toBeUndefined();
  });

  it('when both keys are locked, then Retry-After is the later end; when neither is, there is none', () => {
    const shortLock = { failures: 5, lastFailureAt: T0, lockedUntil: at(4) };
    const longLock = { failures: 6, lastFailureAt: T0, lockedUntil: at(8) };

    expect(retryAfterSeconds([shortLock, longLock], T0)).toBe(8);
    expect(retryAfterSeconds([undefined, failures(3)], T0)).toBeUndefined();
  });

  it('when a failure comes after a quiet spell longer than the window, then the count starts again', () => {
    const nine = failures(9, client);

    expect(recordFailure(nine, at(8 + 299), client).failures).toBe(10);
    expect(recordFailure(nine, at(8 + 300), client)).toEqual({ failures: 1, lastFailureAt: at(308), lockedUntil: undefined });
  });

  it('when a failure is counted during a longer running lock, then that lock is not shortened', () => {
    const locked = { failures: 1, lastFailureAt: T0, lockedUntil: at(600) };

    expect(recordFailure(locked, at(1), account).lockedUntil).toEqual(at(600));
  });

  it('when the password is right, then the account is reset but the client is not', () => {
    const state = failures(12, client);

    expect(recordSuccess(failures(4), account)).toBeUndefined();
    expect(recordSuccess(state, client)).toBe(state);
  });
});

describe('client key', () => {
  it('when the address is IPv4, also IPv4-mapped, then it is the key as it is', () => {
    expect(clientKeyOf('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKeyOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('when the address is IPv6, then every address of one /64 is the same client, and another /64 is another', () => {
    expect(clientKeyOf('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKeyOf('2001:0db8:0001:0002:ffff:eeee:dddd:cccc')).toBe('2001:db8:1:2::/64');
    expect(clientKeyOf('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(clientKeyOf('::1')).toBe('0:0:0:0::/64');
  });
});
