import { createTestDatabase } from '@ordering/testing';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin } from '../src/use-cases/bootstrap-admin.js';
import { aRegistration, anAdmin } from './builders.js';
import { getMe, loginAs, register, requestToken, startCustomerApp, type CustomerTestApp } from './customer-test-app.js';

describe('admin bootstrap', () => {
  let testDatabase: { url: string; drop(): Promise<void> };
  let service: CustomerTestApp;
  const admin = anAdmin();

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    service = await startCustomerApp(testDatabase.url, { admin });
  });

  afterAll(async () => {
    await service?.close();
    await testDatabase?.drop();
  });

  const rowsFor = async (email: string) =>
    (await service.database.pool.query<{ role: string; name: string }>('select role, name from customers where lower(email) = lower($1)', [email])).rows;

  it('when the admin logs in, then the token carries the admin role and /me shows the Administrator', async () => {
    const token = await loginAs(service.app, admin);

    expect(decodeJwt(token).role).toBe('admin');
    const me = await getMe(service.app, token);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ name: 'Administrator', email: admin.email, role: 'admin' });
  });

  it('when the bootstrap runs again with the same settings, then nothing changes and the admin still logs in', async () => {
    expect(await bootstrapAdmin(service.database, admin)).toBe('unchanged');

    const restarted = await startCustomerApp(testDatabase.url, { admin });
    await restarted.close();

    expect(await rowsFor(admin.email)).toHaveLength(1);
    expect((await requestToken(service.app, admin)).statusCode).toBe(200);
  });

  it('when the configured password changes, then the new one works and the old one no longer does', async () => {
    const changed = anAdmin();
    await bootstrapAdmin(service.database, changed);

    await bootstrapAdmin(service.database, { ...changed, password: 'a brand new admin password' });

    expect((await requestToken(service.app, changed)).statusCode).toBe(401);
    expect((await requestToken(service.app, { ...changed, password: 'a brand new admin password' })).statusCode).toBe(200);
  });

  it('when the admin email is configured in another case, then it matches the existing admin instead of adding one', async () => {
    await bootstrapAdmin(service.database, { ...admin, email: admin.email.toUpperCase() });

    expect(await rowsFor(admin.email)).toHaveLength(1);
  });

  it('when a customer registered the admin email first, then it is promoted and only the configured password works', async () => {
    const squatter = aRegistration();
    await register(service.app, squatter);

    await bootstrapAdmin(service.database, { email: squatter.email, password: 'the configured admin password' });

    expect(await rowsFor(squatter.email)).toMatchObject([{ role: 'admin' }]);
    expect((await requestToken(service.app, squatter)).statusCode).toBe(401);
    const token = await loginAs(service.app, { email: squatter.email, password: 'the configured admin password' });
    expect(decodeJwt(token).role).toBe('admin');
  });

  it('when several replicas bootstrap a new admin at once, then none fails and one admin exists', async () => {
    const racing = anAdmin();

    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => bootstrapAdmin(service.database, racing)));

    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array.from({ length: 5 }, () => 'fulfilled'));
    expect(await rowsFor(racing.email)).toMatchObject([{ role: 'admin', name: 'Administrator' }]);
    expect((await requestToken(service.app, racing)).statusCode).toBe(200);
  });
});
