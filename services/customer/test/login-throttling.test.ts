import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { useStarted } from '@ordering/testing';
import { describe, expect, it } from 'vitest';
import { useCustomerApp } from './support/use-customer-app.js';
import { aClientAddress, aRegistration, aTestClock, aUniqueEmail } from './builders.js';
import { pruneLoginThrottles } from '../src/use-cases/login-throttling.js';
import { register, requestTokenFrom, startCustomerApp, type CustomerTestApp } from './support/customer-test-app.js';

/** What the throttle stores for an account: the SHA-256 of its comparison email (lower-cased ASCII). */
const accountKey = (email: string): string => createHash('sha256').update(email.toLowerCase()).digest('hex');

const expectLocked = (response: LightMyRequestResponse): number => {
  expect(response.statusCode, response.body).toBe(429);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
  const retryAfter = String(response.headers['retry-after']);
  expect(retryAfter).toMatch(/^[1-9]\d*$/);
  return Number(retryAfter);
};

describe('login throttling', () => {
  const clock = aTestClock();
  // Two replicas of the service on one database, on one clock.
  const service = useCustomerApp({ clock: clock.now });
  const replica = useStarted(
    () => startCustomerApp(service.databaseUrl, { clock: clock.now }),
    (app) => app.close(),
  );

  const failuresStored = async (scope: 'account' | 'client', key: string): Promise<number | undefined> =>
    (
      await service.database.pool.query<{ failures: number }>('select failures from login_throttles where scope = $1 and key = $2', [
        scope,
        key,
      ])
    ).rows[0]?.failures;

  /** `count` wrong passwords for one email, from one client; each must still be a plain 401. */
  const failLogins = async (app: CustomerTestApp, email: string, count: number, remoteAddress: string): Promise<void> => {
    for (let attempt = 1; attempt <= count; attempt += 1) {
      const response = await requestTokenFrom(app.app, { email, password: `wrong password ${attempt}` }, { remoteAddress });
      expect(response.statusCode, `attempt ${attempt}: ${response.body}`).toBe(401);
    }
  };

  it('when an account got 5 wrong passwords, then the next attempt gets 429 RATE_LIMITED with Retry-After, even with the right password', async () => {
    const customer = aRegistration();
    await register(service.app, customer);

    await failLogins(service, customer.email, 5, aClientAddress());

    expect(expectLocked(await requestTokenFrom(service.app, customer, { remoteAddress: aClientAddress() }))).toBe(4);
  });

  it('when an unknown email got 5 wrong passwords, then it is locked the same way and the answers match a known email', async () => {
    const known = aRegistration();
    await register(service.app, known);
    const unknown = aUniqueEmail('nobody');
    await failLogins(service, known.email, 5, aClientAddress());
    await failLogins(service, unknown, 5, aClientAddress());

    const knownAnswer = await requestTokenFrom(
      service.app,
      { email: known.email, password: 'another guess' },
      { remoteAddress: aClientAddress() },
    );
    const unknownAnswer = await requestTokenFrom(
      service.app,
      { email: unknown, password: 'another guess' },
      { remoteAddress: aClientAddress() },
    );

    expect(expectLocked(unknownAnswer)).toBe(expectLocked(knownAnswer));
    const { instance: _a, ...knownProblem } = knownAnswer.json();
    const { instance: _b, ...unknownProblem } = unknownAnswer.json();
    expect(unknownProblem).toEqual(knownProblem);
  });

  it('when attempts arrive during a lock, then they are not counted and the lock grows only with checked failures', async () => {
    const customer = aRegistration();
    await register(service.app, customer);
    await failLogins(service, customer.email, 5, aClientAddress());

    for (let attempt = 0; attempt < 3; attempt += 1)
      expectLocked(await requestTokenFrom(service.app, customer, { remoteAddress: aClientAddress() }));

    expect(await failuresStored('account', accountKey(customer.email))).toBe(5);
  });

  it('when the lock has expired, then the right password works and the count starts again', async () => {
    const customer = aRegistration();
    await register(service.app, customer);
    const client = aClientAddress();
    await failLogins(service, customer.email, 5, client);
    const retryAfter = expectLocked(await requestTokenFrom(service.app, customer, { remoteAddress: client }));

    clock.advanceSeconds(retryAfter - 1);
    expectLocked(await requestTokenFrom(service.app, customer, { remoteAddress: client }));
    clock.advanceSeconds(1);
    expect((await requestTokenFrom(service.app, customer, { remoteAddress: client })).statusCode).toBe(200);

    expect(await failuresStored('account', accountKey(customer.email))).toBeUndefined();
    await failLogins(service, customer.email, 4, client);
  });

  it('when one client fails for many emails, then it is locked for every email, while the same customer logs in from another client', async () => {
    const customer = aRegistration();
    await register(service.app, customer);
    const attacker = aClientAddress();
    for (let index = 0; index < 10; index += 1) await failLogins(service, aUniqueEmail('sprayed'), 1, attacker);

    expectLocked(await requestTokenFrom(service.app, customer, { remoteAddress: attacker }));
    expectLocked(await requestTokenFrom(service.app, { email: aUniqueEmail('fresh'), password: 'a guess' }, { remoteAddress: attacker }));
    expect((await requestTokenFrom(service.app, customer, { remoteAddress: aClientAddress() })).statusCode).toBe(200);
  });

  it("when a client's own success follows its failures, then the client's count is not reset", async () => {
    const own = aRegistration();
    await register(service.app, own);
    const attacker = aClientAddress();
    for (let index = 0; index < 9; index += 1) await failLogins(service, aUniqueEmail('sprayed'), 1, attacker);

    expect((await requestTokenFrom(service.app, own, { remoteAddress: attacker })).statusCode).toBe(200);
    await failLogins(service, aUniqueEmail('sprayed'), 1, attacker);

    expectLocked(await requestTokenFrom(service.app, own, { remoteAddress: attacker }));
  });

  it('when failures for one account arrive at two replicas, then they add up and both replicas refuse the next attempt', async () => {
    const customer = aRegistration();
    await register(service.app, customer);

    await failLogins(service, customer.email, 3, aClientAddress());
    await failLogins(replica, customer.email, 2, aClientAddress());

    expectLocked(await requestTokenFrom(service.app, customer, { remoteAddress: aClientAddress() }));
    expectLocked(await requestTokenFrom(replica.app, customer, { remoteAddress: aClientAddress() }));
  });

  it('when many wrong passwords for one account arrive at once on two replicas, then every checked failure is counted once', async () => {
    const customer = aRegistration();
    await register(service.app, customer);
    const client = aClientAddress();

    const responses = await Promise.all(
      Array.from({ length: 16 }, (_, index) =>
        requestTokenFrom(
          (index % 2 === 0 ? service : replica).app,
          { email: customer.email, password: `wrong ${index}` },
          { remoteAddress: client },
        ),
      ),
    );

    const statuses = responses.map((response) => response.statusCode);
    expect(
      statuses.every((status) => status === 401 || status === 429),
      statuses.join(),
    ).toBe(true);
    const checked = statuses.filter((status) => status === 401).length;
    expect(await failuresStored('account', accountKey(customer.email))).toBe(checked);
    expect(await failuresStored('client', client)).toBe(checked);
    expectLocked(await requestTokenFrom(replica.app, customer, { remoteAddress: aClientAddress() }));
  });
});

describe('the client address behind a proxy', () => {
  const service = useCustomerApp({ trustedProxies: ['127.0.0.1', '::1'] });

  const clientKeys = async (): Promise<string[]> =>
    (await service.database.pool.query<{ key: string }>("select key from login_throttles where scope = 'client' order by key")).rows.map(
      (row) => row.key,
    );

  it('when a trusted proxy names the client in x-forwarded-for, then the failure counts against that client, not the proxy', async () => {
    const client = aClientAddress();

    await requestTokenFrom(
      service.app,
      { email: aUniqueEmail(), password: 'a wrong guess' },
      { remoteAddress: '127.0.0.1', forwardedFor: `198.51.100.77, ${client}` },
    );

    expect(await clientKeys()).toContain(client);
    expect(await clientKeys()).not.toContain('127.0.0.1');
    expect(await clientKeys()).not.toContain('198.51.100.77');
  });

  it('when an untrusted caller sends x-forwarded-for, then it is ignored and the caller itself is the client', async () => {
    const caller = aClientAddress();
    const claimed = aClientAddress();

    await requestTokenFrom(
      service.app,
      { email: aUniqueEmail(), password: 'a wrong guess' },
      { remoteAddress: caller, forwardedFor: claimed },
    );

    expect(await clientKeys()).toContain(caller);
    expect(await clientKeys()).not.toContain(claimed);
  });
});

describe('pruning the login throttle', () => {
  const clock = aTestClock();

  const service = useCustomerApp({ clock: clock.now });

  const storedScopes = async (): Promise<string[]> =>
    (await service.database.pool.query<{ scope: string }>('select scope from login_throttles order by scope')).rows.map((row) => row.scope);

  it('when rows hold only forgotten counts and no running lock, then they are deleted, and the others are kept', async () => {
    const client = aClientAddress();
    await requestTokenFrom(service.app, { email: aUniqueEmail(), password: 'a wrong guess' }, { remoteAddress: client });
    expect(await storedScopes()).toEqual(['account', 'client']);

    expect(await pruneLoginThrottles(service.database, new Date(clock.now().getTime() + 299_000))).toBe(0);
    expect(await pruneLoginThrottles(service.database, new Date(clock.now().getTime() + 301_000))).toBe(1);
    expect(await storedScopes()).toEqual(['account']);
    expect(await pruneLoginThrottles(service.database, new Date(clock.now().getTime() + 86_401_000))).toBe(1);
    expect(await storedScopes()).toEqual([]);
  });
});
