import { describe, expect, it } from 'vitest';
import { bearer } from './support/gateway-harness.js';
import { useGatewayPerTest } from './support/use-gateway.js';

const gateway = useGatewayPerTest({ env: { RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_SECONDS: '60' } });

const getAccount = (token: string, remoteAddress = '127.0.0.1') =>
  gateway.app.inject({ method: 'GET', url: '/api/accounts/me', headers: bearer(token), remoteAddress });

describe('rate limiting', () => {
  it('when one client sends a 6th request within the window, then 429 RATE_LIMITED with Retry-After, and the service is not reached', async () => {
    const token = await gateway.tokens.issue();
    for (let i = 0; i < 5; i++) expect((await getAccount(token)).statusCode).toBe(200);

    const limited = await getAccount(token);

    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers['x-request-id']).toBeTruthy();
    expect(gateway.upstreams.account.received).toHaveLength(5);
  });

  it('when one token subject is throttled, then another subject from the same address is not', async () => {
    const busy = await gateway.tokens.issue();
    const other = await gateway.tokens.issue();
    for (let i = 0; i < 6; i++) await getAccount(busy);

    expect((await getAccount(busy)).statusCode).toBe(429);
    expect((await getAccount(other)).statusCode).toBe(200);
  });

  it('when the same subject calls from different addresses, then it is one client', async () => {
    const token = await gateway.tokens.issue();
    for (let i = 0; i < 5; i++) await getAccount(token, `203.0.113.${i + 1}`);

    expect((await getAccount(token, '203.0.113.99')).statusCode).toBe(429);
  });

  it('when public routes are called without a token, then each address is limited on its own', async () => {
    const menu = (remoteAddress: string) => gateway.app.inject({ method: 'GET', url: '/api/menu', remoteAddress });
    for (let i = 0; i < 5; i++) expect((await menu('198.51.100.1')).statusCode).toBe(200);

    expect((await menu('198.51.100.1')).statusCode).toBe(429);
    expect((await menu('198.51.100.2')).statusCode).toBe(200);
  });

  it('when addresses share one IPv6 /64, then they count as one client', async () => {
    const menu = (remoteAddress: string) => gateway.app.inject({ method: 'GET', url: '/api/menu', remoteAddress });
    for (let i = 0; i < 5; i++) await menu(`2001:db8:1:2::${i + 1}`);

    expect((await menu('2001:db8:1:2::ff')).statusCode).toBe(429);
    expect((await menu('2001:db8:1:3::1')).statusCode).toBe(200);
  });

  it('when a client keeps presenting bad tokens, then it is throttled by address like anonymous traffic', async () => {
    for (let i = 0; i < 5; i++) expect((await getAccount('not-a-jwt', '198.51.100.3')).statusCode).toBe(401);

    expect((await getAccount('not-a-jwt', '198.51.100.3')).statusCode).toBe(429);
  });

  it('when health and readiness are polled beyond the limit, then they are never throttled', async () => {
    for (let i = 0; i < 8; i++) {
      for (const url of ['/healthz', '/readyz']) {
        expect((await gateway.app.inject({ method: 'GET', url })).statusCode).toBe(200);
      }
    }
  });
});
