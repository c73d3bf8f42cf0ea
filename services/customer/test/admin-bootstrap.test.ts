import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { useCustomerApp } from './support/use-customer-app.js';
import { bootstrapAdmin } from '../src/use-cases/bootstrap-admin.js';
import { aRegistration, anAdmin } from './builders.js';
import { getMe, loginAs, register, requestToken, startCustomerApp } from './support/customer-test-app.js';

describe('admin bootstrap', () => {
  const admin = anAdmin();

  const service = useCustomerApp({ admin });

  const hashOf = async (email: string) =>
    (
      await service.database.pool.query<{ password_hash: string }>('select password_hash from customers where lower(email) = lower($1)', [
        email,
      ])
    ).rows[0]?.password_hash;

  const rowsFor = async (email: string) =>
    (
      await service.database.pool.query<{ role: string; name: string }>('select role, name from customers where lower(email) = lower($1)', [
        email,
      ])
    ).rows;

  it('when the admin logs in, then the token carries the admin role and /me shows the Administrator', async () => {
    const token = await loginAs(service.app, admin);

    expect(decodeJwt(token).role).toBe('admin');
    const me = await getMe(service.app, token);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ name: 'Administrator', email: admin.email, role: 'admin' });
  });

  it('when the bootstrap runs again with the same settings, then nothing changes and the admin still logs in', async () => {
    expect(await bootstrapAdmin(service.database, service.passwordHasher, admin)).toEqual({ outcome: 'exists', existingRole: 'admin' });

    const restarted = await startCustomerApp(service.databaseUrl, { admin });
    await restarted.close();

    expect(await rowsFor(admin.email)).toHaveLength(1);
    expect((await requestToken(service.app, admin)).statusCode).toBe(200);
  });

  it('when the service restarts with another configured password, then the existing admin keeps its password and hash', async () => {
    const existing = anAdmin();
    expect(await bootstrapAdmin(service.database, service.passwordHasher, existing)).toEqual({ outcome: 'created' });
    const hashBefore = await hashOf(existing.email);

    const restarted = await startCustomerApp(service.databaseUrl, { admin: { ...existing, password: 'a brand new admin password' } });
    await restarted.close();

    expect(await hashOf(existing.email)).toBe(hashBefore);
    expect((await requestToken(service.app, existing)).statusCode).toBe(200);
    expect((await requestToken(service.app, { ...existing, password: 'a brand new admin password' })).statusCode).toBe(401);
  });

  it('when the admin email is configured in another case, then it matches the existing admin instead of adding one', async () => {
    await bootstrapAdmin(service.database, service.passwordHasher, { ...admin, email: admin.email.toUpperCase() });

    expect(await rowsFor(admin.email)).toHaveLength(1);
  });

  it('when a customer registered the admin email first, then it is neither promoted nor given the configured password', async () => {
    const squatter = aRegistration();
    await register(service.app, squatter);

    const outcome = await bootstrapAdmin(service.database, service.passwordHasher, {
      email: squatter.email,
      password: 'the configured admin password',
    });

    expect(outcome).toEqual({ outcome: 'exists', existingRole: 'customer' });
    expect(await rowsFor(squatter.email)).toMatchObject([{ role: 'customer' }]);
    expect((await requestToken(service.app, { email: squatter.email, password: 'the configured admin password' })).statusCode).toBe(401);
    expect(decodeJwt(await loginAs(service.app, squatter)).role).toBe('customer');
  });

  it('when several replicas bootstrap a new admin at once, then none fails and one admin exists', async () => {
    const racing = anAdmin();

    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => bootstrapAdmin(service.database, service.passwordHasher, racing)),
    );

    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array.from({ length: 5 }, () => 'fulfilled'));
    expect(await rowsFor(racing.email)).toMatchObject([{ role: 'admin', name: 'Administrator' }]);
    expect((await requestToken(service.app, racing)).statusCode).toBe(200);
  });
});
