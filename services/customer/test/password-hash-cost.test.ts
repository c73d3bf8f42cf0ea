import { describe, expect, it } from 'vitest';
import { useCustomerApp } from './support/use-customer-app.js';
import { createPasswordHasher } from '../src/security/password-hashing.js';
import { aClientAddress, aRegistration } from './builders.js';
import { register, requestTokenFrom, startCustomerApp, TEST_HASHING } from './support/customer-test-app.js';

describe('password hash cost and load', () => {
  // One notch above the cost older rows are stored at below, still cheap enough for a test.
  const service = useCustomerApp({ passwordHashing: { costLog2: 11 } });

  const storedHash = async (email: string): Promise<string | undefined> =>
    (
      await service.database.pool.query<{ password_hash: string }>('select password_hash from customers where lower(email) = lower($1)', [
        email,
      ])
    ).rows[0]?.password_hash;

  /** A customer whose row holds a hash made at an older, cheaper cost (N=2^10), as before the cost was raised. */
  const aCustomerWithAnOlderHash = async () => {
    const customer = aRegistration();
    await register(service.app, customer);
    const older = await createPasswordHasher({ ...TEST_HASHING, costLog2: 10 }).hash(customer.password);
    await service.database.pool.query('update customers set password_hash = $2 where lower(email) = lower($1)', [customer.email, older]);
    return { customer, older };
  };

  it('when a customer with an older, cheaper hash logs in, then the stored hash is replaced by one at the current cost that still verifies', async () => {
    const { customer, older } = await aCustomerWithAnOlderHash();

    const login = await requestTokenFrom(service.app, customer, { remoteAddress: aClientAddress() });

    expect(login.statusCode).toBe(200);
    const rehashed = await storedHash(customer.email);
    expect(older.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(rehashed).toMatch(/^scrypt\$2048\$8\$1\$/);
    expect(await service.passwordHasher.verify(customer.password, rehashed ?? '')).toBe(true);
    expect((await requestTokenFrom(service.app, customer, { remoteAddress: aClientAddress() })).statusCode).toBe(200);
  });

  it('when the password is wrong, then the older hash is left as it is', async () => {
    const { customer, older } = await aCustomerWithAnOlderHash();

    const login = await requestTokenFrom(
      service.app,
      { email: customer.email, password: 'not the password' },
      { remoteAddress: aClientAddress() },
    );

    expect(login.statusCode).toBe(401);
    expect(await storedHash(customer.email)).toBe(older);
  });

  it('when every hash slot is busy and the queue is full, then registration and login answer 503 SERVICE_UNAVAILABLE with Retry-After', async () => {
    const customer = aRegistration();
    await register(service.app, customer);
    const busy = await startCustomerApp(service.databaseUrl, { passwordHashing: { costLog2: 17, concurrency: 1, queueLimit: 0 } });
    try {
      // Takes the only slot at once (synchronously) and holds it for the ~0.3 s of an N=2^17 scrypt run.
      const occupying = busy.passwordHasher.hash('holds the only hash slot');

      const registration = await busy.app.inject({ method: 'POST', url: '/api/customers', payload: aRegistration() });
      const login = await requestTokenFrom(busy.app, customer, { remoteAddress: aClientAddress() });

      for (const response of [registration, login]) {
        expect(response.statusCode, response.body).toBe(503);
        expect(response.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
        expect(response.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      }
      await occupying;
      expect((await requestTokenFrom(busy.app, customer, { remoteAddress: aClientAddress() })).statusCode).toBe(200);
    } finally {
      await busy.close();
    }
  });
});
