import { createLogger } from '@ordering/platform';
import { describe, expect, it } from 'vitest';
import { useCustomerApp } from './support/use-customer-app.js';
import { aRegistration, anAdmin } from './builders.js';
import { getMe, loginAs, register, requestToken } from './support/customer-test-app.js';

describe('secrets never leave the service', () => {
  const lines: string[] = [];
  const admin = anAdmin();
  const service = useCustomerApp(() => ({
    logger: createLogger({ service: 'customer', level: 'info', destination: { write: (line: string) => void lines.push(line) } }),
    admin,
  }));

  const storedHashes = async (): Promise<string[]> =>
    (await service.database.pool.query<{ password_hash: string }>('select password_hash from customers')).rows.map(
      (row) => row.password_hash,
    );

  const privateKeyMembers = async (): Promise<string[]> =>
    (await service.database.pool.query<{ d: string }>("select private_jwk->>'d' as d from signing_keys")).rows.map((row) => row.d);

  it('when customers register, log in, and read their profile, then no response carries a password or hash', async () => {
    const registration = aRegistration();

    const responses = [await register(service.app, registration)];
    responses.push(await requestToken(service.app, registration));
    responses.push(await getMe(service.app, await loginAs(service.app, registration)));
    responses.push(await service.app.inject({ method: 'GET', url: '/.well-known/jwks.json' }));

    const hashes = await storedHashes();
    const secrets = [registration.password, ...hashes, ...(await privateKeyMembers())];
    for (const response of responses) {
      expect(response.body).not.toMatch(/password|scrypt\$/i);
      for (const secret of secrets) expect(response.body).not.toContain(secret);
    }
  });

  it('when requests succeed and fail, then no log line holds a password, a hash, a token or the private key', async () => {
    const registration = aRegistration();
    await register(service.app, registration);
    await register(service.app, registration);
    const token = await loginAs(service.app, registration);
    await requestToken(service.app, { ...registration, password: 'a wrong password' });
    await loginAs(service.app, admin);
    await getMe(service.app, token);

    // A failing insert that carries a hash: its error is logged as a 500, and the statement's parameters must not be.
    await service.database.pool.query("alter table customers add constraint reject_boom check (name <> 'boom')");
    try {
      const failed = await register(service.app, aRegistration({ name: 'boom' }));
      expect(failed.statusCode).toBe(500);
      expect(failed.json()).toMatchObject({ code: 'INTERNAL' });
      expect(failed.body).not.toMatch(/scrypt|insert into|reject_boom/i);
    } finally {
      await service.database.pool.query('alter table customers drop constraint reject_boom');
    }

    const log = lines.join('');
    expect(log).toContain('request completed');
    expect(log).toContain('unhandled error');
    const secrets = [registration.password, admin.password, token, ...(await storedHashes()), ...(await privateKeyMembers())];
    for (const secret of secrets) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/scrypt\$/);
  });
});
