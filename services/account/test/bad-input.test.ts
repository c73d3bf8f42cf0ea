import { describe, expect, it } from 'vitest';
import { useAccountService } from './support/use-account-service.js';
import { forgeTokens } from '@ordering/testing';
import { aCustomerId, aDepositRequest, BAD_AMOUNT_BODIES, SQL_METACHARACTERS } from './builders.js';

const service = useAccountService();

/** A customer who already holds money, so "nothing changed" is a real check. */
const aFundedCustomer = async (): Promise<{ customerId: string; token: string }> => {
  const customerId = aCustomerId();
  const token = await service.tokenFor(customerId);
  expect((await service.deposit(token, aDepositRequest(500))).statusCode).toBe(201);
  return { customerId, token };
};

const expectNothingChanged = async (customerId: string): Promise<void> => {
  expect(await service.balanceOf(customerId)).toBe(500);
  expect(await service.countRows('ledger_entries', customerId)).toBe(1);
};

describe('deposit bodies the contract refuses', () => {
  it.each(Object.entries(BAD_AMOUNT_BODIES))(
    'when the amount is %s, then it is a 400 and the balance is unchanged',
    async (_label, rawBody) => {
      const { customerId, token } = await aFundedCustomer();
      const response = await service.deposit(token, undefined, { rawBody });
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: expect.any(Array) });
      await expectNothingChanged(customerId);
    },
  );

  it('when the body has an unknown property, then it is a 400 naming it', async () => {
    const { customerId, token } = await aFundedCustomer();
    const response = await service.deposit(token, { amount: 100, currency: 'USD' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toContainEqual({ path: 'body.currency', message: 'is not an allowed property' });
    await expectNothingChanged(customerId);
  });

  it('when the JSON is malformed, then it is a 400', async () => {
    const { customerId, token } = await aFundedCustomer();
    const response = await service.deposit(token, undefined, { rawBody: '{"amount": 100' });
    expect(response.statusCode).toBe(400);
    await expectNothingChanged(customerId);
  });

  it('when there is no body at all, then it is a 400', async () => {
    const { customerId, token } = await aFundedCustomer();
    const response = await service.deposit(token, undefined, { rawBody: '' });
    expect(response.statusCode).toBe(400);
    await expectNothingChanged(customerId);
  });

  it('when the body is 1 MiB, then it is a 413', async () => {
    const { customerId, token } = await aFundedCustomer();
    const rawBody = JSON.stringify({ amount: 100, padding: 'x'.repeat(1024 * 1024) });
    const response = await service.deposit(token, undefined, { rawBody });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expectNothingChanged(customerId);
  });

  it('when the body is text/plain, then it is a 415', async () => {
    const { customerId, token } = await aFundedCustomer();
    const response = await service.deposit(token, undefined, { rawBody: '{"amount":100}', contentType: 'text/plain' });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    await expectNothingChanged(customerId);
  });

  it('when the amount is a string of SQL metacharacters, then it is a 400 and the ledger survives', async () => {
    const { customerId, token } = await aFundedCustomer();
    const response = await service.deposit(token, undefined, { rawBody: JSON.stringify({ amount: SQL_METACHARACTERS }) });
    expect(response.statusCode).toBe(400);
    await expectNothingChanged(customerId);
  });
});

describe('authentication on every route', () => {
  const routes = [
    { name: 'GET /api/accounts/me', call: (token?: string) => service.getMe(token) },
    { name: 'POST /api/accounts/me/deposits', call: (token?: string) => service.deposit(token, aDepositRequest()) },
    { name: 'GET /api/accounts/me/entries', call: (token?: string) => service.entries(token) },
  ];

  const badTokens = async (customerId: string): Promise<Record<string, string | undefined>> => {
    const forged = await forgeTokens(await service.tokenFor(customerId));
    return {
      missing: undefined,
      expired: await service.tokens.issue({ customerId, expiresInSeconds: -60 }),
      tampered: forged.tampered,
      'alg:none': forged.algNone,
      garbage: forged.garbage,
    };
  };

  for (const route of routes) {
    it(`when ${route.name} gets a missing, expired, tampered, alg:none or garbage token, then each is a 401 and no account appears`, async () => {
      const customerId = aCustomerId();
      for (const [label, token] of Object.entries(await badTokens(customerId))) {
        const response = await route.call(token);
        expect(response.statusCode, label).toBe(401);
        expect(response.json(), label).toMatchObject({ code: 'UNAUTHENTICATED' });
      }
      expect(await service.countRows('accounts', customerId)).toBe(0);
    });
  }

  it('when an unknown route is called, then it is a 404 with or without a token', async () => {
    const token = await service.tokenFor(aCustomerId());
    expect((await service.app.inject({ method: 'GET', url: '/api/accounts/someone-else' })).statusCode).toBe(404);
    expect(
      (await service.app.inject({ method: 'GET', url: '/api/accounts/x', headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(404);
  });
});
