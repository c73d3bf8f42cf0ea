import type { LightMyRequestResponse } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import { useCustomerApp } from './support/use-customer-app.js';
import { aRegistration, aUniqueEmail, SQL_INJECTION } from './builders.js';
import { countCustomers, getMe, loginAs, register, requestToken } from './support/customer-test-app.js';

type Payload = string | object;

describe('bad input to the customer routes', () => {
  let customersBefore: number;

  const service = useCustomerApp();

  beforeEach(async () => {
    customersBefore = await countCustomers(service.database);
  });

  const post = (url: string, payload: Payload, contentType = 'application/json'): Promise<LightMyRequestResponse> =>
    service.app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });

  const expectRejected = async (response: LightMyRequestResponse, status: number, code: string) => {
    expect(response.statusCode, response.body).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status, code });
    expect(await countCustomers(service.database)).toBe(customersBefore);
  };

  const invalidRegistrations: [string, Payload][] = [
    ['malformed JSON', '{"name": "Hanako", "email": '],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['a JSON string', '"hello"'],
    ['an empty object', {}],
    ['a missing password', { name: 'Hanako', email: aUniqueEmail() }],
    ['a numeric name', aRegistration({ name: 12345 as unknown as string })],
    ['a boolean email', aRegistration({ email: true as unknown as string })],
    ['a numeric password', aRegistration({ password: 12345678 as unknown as string })],
    ['a null name', aRegistration({ name: null as unknown as string })],
    ['an unknown field', { ...aRegistration(), nickname: 'hana' }],
    ['a role the client chose', { ...aRegistration(), role: 'admin' }],
    ['an empty name', aRegistration({ name: '' })],
    ['a 101-character name', aRegistration({ name: 'x'.repeat(101) })],
    ['a name holding a NUL character', aRegistration({ name: 'Hana\u0000ko' })],
    ['an email without an @', aRegistration({ email: 'not-an-email' })],
    ['an email with SQL in it', aRegistration({ email: SQL_INJECTION })],
    [
      'an email longer than 254 characters',
      aRegistration({ email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com` }),
    ],
    ['a 7-character password', aRegistration({ password: 'short12' })],
    ['a 201-character password', aRegistration({ password: 'p'.repeat(201) })],
  ];

  it.each(invalidRegistrations)('when a registration has %s, then it answers 400 and creates nothing', async (_case, payload) => {
    await expectRejected(await post('/api/customers', payload), 400, 'VALIDATION_FAILED');
  });

  it('when a field is invalid, then the problem names it', async () => {
    const response = await post('/api/customers', { ...aRegistration(), nickname: 'hana' });

    expect(response.json().errors).toContainEqual({ path: 'body.nickname', message: expect.any(String) });
  });

  it('when a registration body is 1 MiB, then it answers 413 and creates nothing', async () => {
    const huge = aRegistration({ name: 'x'.repeat(1024 * 1024) });

    await expectRejected(await post('/api/customers', huge), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('when a registration is sent as text/plain, then it answers 415 and creates nothing', async () => {
    await expectRejected(await post('/api/customers', JSON.stringify(aRegistration()), 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('when a registration has no body at all, then it answers 400 and creates nothing', async () => {
    const response = await service.app.inject({ method: 'POST', url: '/api/customers' });

    await expectRejected(response, 400, 'VALIDATION_FAILED');
  });

  const invalidCredentials: [string, Payload][] = [
    ['malformed JSON', '{"email":'],
    ['an empty object', {}],
    ['a numeric password', { email: aUniqueEmail(), password: 12345678 }],
    ['an array email', { email: [aUniqueEmail()], password: 'whatever123' }],
    ['an unknown field', { email: aUniqueEmail(), password: 'whatever123', remember: true }],
    ['an empty password', { email: aUniqueEmail(), password: '' }],
    ['an email holding a NUL character', { email: 'a\u0000@example.com', password: 'whatever123' }],
  ];

  it.each(invalidCredentials)('when a token request has %s, then it answers 400', async (_case, payload) => {
    await expectRejected(await post('/api/auth/token', payload), 400, 'VALIDATION_FAILED');
  });

  it('when a token request is text/plain or 1 MiB, then it answers 415 or 413', async () => {
    const credentials = { email: aUniqueEmail(), password: 'whatever123' };

    await expectRejected(await post('/api/auth/token', JSON.stringify(credentials), 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectRejected(await post('/api/auth/token', { ...credentials, password: 'p'.repeat(1024 * 1024) }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('when SQL metacharacters are in the name, email and password, then they are stored and matched literally', async () => {
    const registration = aRegistration({ name: SQL_INJECTION, email: `o'brien--${aUniqueEmail()}`, password: SQL_INJECTION });

    const created = await register(service.app, registration);

    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: SQL_INJECTION, email: registration.email });
    const token = await loginAs(service.app, registration);
    expect((await getMe(service.app, token)).json()).toMatchObject({ name: SQL_INJECTION });
    expect(await countCustomers(service.database)).toBe(customersBefore + 1);
  });

  it('when a login tries SQL injection in the email, then it is just a wrong login', async () => {
    await register(service.app, aRegistration());

    for (const email of ["' OR '1'='1", "' OR 1=1 --", `${SQL_INJECTION}@example.com`, '%', '_%@%']) {
      const response = await requestToken(service.app, { email, password: "' OR '1'='1" });
      expect(response.statusCode, email).toBe(401);
    }
  });

  it('when an unknown route is called, with or without a token, then it answers 404', async () => {
    expect((await service.app.inject({ method: 'GET', url: '/api/customers/someone-else' })).statusCode).toBe(404);
    const withToken = await service.app.inject({ method: 'GET', url: '/api/nope', headers: { authorization: 'Bearer a.b.c' } });
    expect(withToken.statusCode).toBe(404);
  });
});
