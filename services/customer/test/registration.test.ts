import { describe, expect, it } from 'vitest';
import { useCustomerApp } from './support/use-customer-app.js';
import { aRegistration, aUniqueEmail } from './builders.js';
import { countCustomers, register } from './support/customer-test-app.js';

describe('POST /api/customers', () => {
  const service = useCustomerApp();

  it('when a customer registers, then it answers 201 with the customer, its email exactly as given, and a Location', async () => {
    const registration = aRegistration({ email: aUniqueEmail('MiXeD.Case') });

    const response = await register(service.app, registration);

    expect(response.statusCode).toBe(201);
    expect(response.headers['location']).toBe('/api/customers/me');
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role']);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      name: registration.name,
      email: registration.email,
      role: 'customer',
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
  });

  it('when a customer registers, then only a salted scrypt hash of the password is stored', async () => {
    const registration = aRegistration();
    const { id } = (await register(service.app, registration)).json();

    const { rows } = await service.database.pool.query<{ password_hash: string }>('select password_hash from customers where id = $1', [
      id,
    ]);

    expect(rows[0]?.password_hash).toMatch(/^scrypt\$\d+\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(rows[0]?.password_hash).not.toContain(registration.password);
  });

  it('when the email is already registered, then it answers 409 EMAIL_TAKEN as problem+json', async () => {
    const registration = aRegistration();
    await register(service.app, registration);

    const response = await register(service.app, aRegistration({ email: registration.email, name: 'Someone Else' }));

    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 409, code: 'EMAIL_TAKEN', title: expect.any(String), detail: expect.any(String) });
  });

  it('when the email differs only in case, then it is still taken', async () => {
    const registration = aRegistration({ email: aUniqueEmail('case') });
    await register(service.app, registration);

    const upper = await register(service.app, aRegistration({ email: registration.email.toUpperCase() }));
    const lower = await register(service.app, aRegistration({ email: registration.email.toLowerCase() }));

    expect(upper.statusCode).toBe(409);
    expect(lower.statusCode).toBe(409);
    expect(upper.json().code).toBe('EMAIL_TAKEN');
  });

  it('when ten registrations of one email race, then exactly one succeeds and the rest get 409', async () => {
    const email = aUniqueEmail('race');
    const before = await countCustomers(service.database);

    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => register(service.app, aRegistration({ email: i % 2 === 0 ? email : email.toUpperCase() }))),
    );

    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([201, ...Array.from({ length: 9 }, () => 409)]);
    expect(await countCustomers(service.database)).toBe(before + 1);
  });
});
