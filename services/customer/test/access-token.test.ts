import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '@ordering/platform';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCustomerApp } from './support/use-customer-app.js';
import { aRegistration, aUniqueEmail } from './builders.js';
import { register, requestToken, startCustomerApp } from './support/customer-test-app.js';

describe('POST /api/auth/token', () => {
  const registration = aRegistration();
  let customerId: string;

  const service = useCustomerApp();

  beforeAll(async () => {
    customerId = (await register(service.app, registration)).json().id;
  });

  it('when the credentials are right, then it answers 200 with a Bearer token for that customer', async () => {
    const response = await requestToken(service.app, { email: registration.email, password: registration.password });

    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
    expect(decodeProtectedHeader(body.accessToken)).toMatchObject({ alg: 'ES256', kid: service.tokenSigner.kid });
    const claims = decodeJwt(body.accessToken);
    expect(claims).toMatchObject({ sub: customerId, role: 'customer', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
  });

  it('when the email is given in another case, then the login still succeeds', async () => {
    const response = await requestToken(service.app, { email: registration.email.toUpperCase(), password: registration.password });

    expect(response.statusCode).toBe(200);
  });

  it('when the password is wrong, then it answers 401 INVALID_CREDENTIALS', async () => {
    const response = await requestToken(service.app, { email: registration.email, password: `${registration.password}!` });

    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
  });

  it('when the email is unknown, then the answer is the same as for a wrong password', async () => {
    const wrongPassword = await requestToken(service.app, { email: registration.email, password: 'not the password' });
    const unknownEmail = await requestToken(service.app, { email: aUniqueEmail('nobody'), password: registration.password });

    expect(unknownEmail.statusCode).toBe(401);
    const { instance: _a, ...unknownProblem } = unknownEmail.json();
    const { instance: _b, ...wrongProblem } = wrongPassword.json();
    expect(unknownProblem).toEqual(wrongProblem);
  });

  it('when the password differs only in case, then it is wrong', async () => {
    const response = await requestToken(service.app, { email: registration.email, password: registration.password.toUpperCase() });

    expect(response.statusCode).toBe(401);
  });

  it('when the token lifetime is configured, then tokens carry it', async () => {
    const shortLived = await startCustomerApp(service.databaseUrl, { tokenTtlSeconds: 120 });
    try {
      const response = await requestToken(shortLived.app, { email: registration.email, password: registration.password });

      expect(response.json().expiresIn).toBe(120);
      const claims = decodeJwt(response.json().accessToken);
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(120);
    } finally {
      await shortLived.close();
    }
  });
});
