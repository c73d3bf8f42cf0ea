import { createTokenVerifier } from '@ordering/platform';
import { createLocalJWKSet, type JWK, type JWTVerifyGetKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { bearer } from './support/gateway-harness.js';
import { useGatewayStarter } from './support/use-gateway.js';

const { start: startGateway } = useGatewayStarter();

/** jose looks a key up once per signature it checks, so counting lookups counts signature verifications. */
const countingKeySet = (jwks: { keys: JWK[] }) => {
  const keySet = createLocalJWKSet(jwks);
  const counter = { lookups: 0 };
  const getKey: JWTVerifyGetKey = (header, token) => {
    counter.lookups += 1;
    return keySet(header, token);
  };
  return { counter, getKey };
};

const expiryOf = (token: string): number => {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number };
  return payload.exp * 1000;
};

describe('verified tokens at the edge', () => {
  it('when the same token is presented on several requests, then its signature is verified once and every request is served', async () => {
    let counter = { lookups: 0 };
    const gateway = await startGateway({
      verifier: (tokens) => {
        const counting = countingKeySet(tokens.jwks);
        counter = counting.counter;
        return createTokenVerifier(counting.getKey);
      },
    });
    const token = await gateway.tokens.issue();

    for (let i = 0; i < 5; i++) {
      const response = await gateway.app.inject({ method: 'GET', url: '/api/accounts/me', headers: bearer(token) });
      expect(response.statusCode).toBe(200);
    }

    expect(counter.lookups).toBe(1);
    expect(gateway.upstreams.account.received).toHaveLength(5);
  });

  it('when a token that was accepted (and cached) expires, then the next request is refused with 401 and the service is not reached', async () => {
    const gateway = await startGateway();
    const token = await gateway.tokens.issue({ expiresInSeconds: 3 });
    const expiresAtMs = expiryOf(token);
    const call = () => gateway.app.inject({ method: 'GET', url: '/api/customers/me', headers: bearer(token) });

    expect((await call()).statusCode).toBe(200);
    let refusedAtMs = 0;
    await expect
      .poll(
        async () => {
          const response = await call();
          refusedAtMs = Date.now();
          return response.statusCode;
        },
        { timeout: 20_000, interval: 100 },
      )
      .toBe(401);

    expect(refusedAtMs).toBeGreaterThanOrEqual(expiresAtMs);
    const servedBefore = gateway.upstreams.customer.received.length;
    const afterExpiry = await call();
    expect(afterExpiry.statusCode).toBe(401);
    expect(afterExpiry.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(gateway.upstreams.customer.received).toHaveLength(servedBefore);
  });
});
