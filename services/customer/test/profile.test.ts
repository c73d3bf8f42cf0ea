import { createTestTokens, forgeTokens } from '@ordering/testing';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCustomerApp } from './support/use-customer-app.js';
import { createTokenSigner } from '../src/security/token-signer.js';
import { ensureSigningKeys } from '../src/use-cases/ensure-signing-keys.js';
import { aRegistration } from './builders.js';
import { getMe, loginAs, register } from './support/customer-test-app.js';

describe('GET /api/customers/me', () => {
  const registration = aRegistration();
  let registered: Record<string, unknown>;
  let token: string;

  const service = useCustomerApp();

  beforeAll(async () => {
    registered = (await register(service.app, registration)).json();
    token = await loginAs(service.app, registration);
  });

  const expectUnauthenticated = (response: Awaited<ReturnType<typeof getMe>>) => {
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  };

  it('when the caller sends its token, then it answers 200 with the same customer registration returned', async () => {
    const response = await getMe(service.app, token);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(registered);
  });

  it('when no token is sent, then it answers 401', async () => {
    expectUnauthenticated(await getMe(service.app));
  });

  it('when the authorization header is not a bearer token, then it answers 401', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/api/customers/me', headers: { authorization: `Basic ${token}` } });

    expectUnauthenticated(response);
  });

  it('when the token has expired, then it answers 401', async () => {
    const expiredSigner = await createTokenSigner(await ensureSigningKeys(service.database), -60);
    const { accessToken } = await expiredSigner.sign({ customerId: String(registered['id']), role: 'customer' });

    expectUnauthenticated(await getMe(service.app, accessToken));
  });

  it('when the token is tampered with, unsigned (alg none) or garbage, then it answers 401', async () => {
    const forged = await forgeTokens(token);

    expectUnauthenticated(await getMe(service.app, forged.tampered));
    expectUnauthenticated(await getMe(service.app, forged.algNone));
    expectUnauthenticated(await getMe(service.app, forged.garbage));
  });

  it('when the token is signed by a different key, then it answers 401', async () => {
    const strangers = await createTestTokens();
    const foreign = await strangers.issue({ customerId: String(registered['id']) });

    expectUnauthenticated(await getMe(service.app, foreign));
  });

  it("when a valid token's customer no longer exists, then it answers 404", async () => {
    const { accessToken } = await service.tokenSigner.sign({ customerId: randomUUID(), role: 'customer' });

    const response = await getMe(service.app, accessToken);

    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
