import { forgeTokens } from '@ordering/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamName } from '../src/domain/upstreams.js';
import { bearer } from './support/gateway-harness.js';
import { useGateway } from './support/use-gateway.js';
import type { EchoBody } from './support/upstream-server.js';

const gateway = useGateway();
let customerToken: string;
let adminToken: string;

beforeAll(async () => {
  customerToken = await gateway.tokens.issue({ role: 'customer' });
  adminToken = await gateway.tokens.issue({ role: 'admin' });
});

const ID = '0b5c1a52-6f0e-4e8f-9a47-3c7f2f3b9d11';

const table: Array<{ method: 'GET' | 'POST'; url: string; upstream: UpstreamName; token: 'none' | 'customer' | 'admin' }> = [
  { method: 'POST', url: '/api/customers', upstream: 'customer', token: 'none' },
  { method: 'POST', url: '/api/auth/token', upstream: 'customer', token: 'none' },
  { method: 'GET', url: '/api/customers/me', upstream: 'customer', token: 'customer' },
  { method: 'GET', url: '/api/menu?lang=en&x=%20y', upstream: 'order', token: 'none' },
  { method: 'GET', url: '/api/orders?status=APPROVED&limit=5&cursor=abc%3D%3D', upstream: 'order', token: 'customer' },
  { method: 'GET', url: `/api/orders/${ID}`, upstream: 'order', token: 'customer' },
  { method: 'GET', url: '/api/accounts/me', upstream: 'account', token: 'customer' },
  { method: 'POST', url: '/api/accounts/me/deposits', upstream: 'account', token: 'customer' },
  { method: 'GET', url: '/api/accounts/me/entries?limit=2', upstream: 'account', token: 'customer' },
  { method: 'POST', url: '/api/checkout?wait=5', upstream: 'orchestrator', token: 'customer' },
  { method: 'GET', url: `/api/checkout/${ID}`, upstream: 'orchestrator', token: 'customer' },
  { method: 'POST', url: `/api/orders/${ID}/cancel?wait=0`, upstream: 'orchestrator', token: 'customer' },
  { method: 'GET', url: '/api/admin/sagas?status=RUNNING&type=checkout', upstream: 'orchestrator', token: 'admin' },
];

describe('route table', () => {
  it.each(table)('when $method $url is called, then the $upstream service receives it with path and query intact', async (route) => {
    const headers = route.token === 'none' ? {} : bearer(route.token === 'admin' ? adminToken : customerToken);
    const response = await gateway.app.inject({ method: route.method, url: route.url, headers });

    expect(response.statusCode).toBe(200);
    const echo = response.json<EchoBody>();
    expect(echo.upstream).toBe(route.upstream);
    expect(echo.method).toBe(route.method);
    expect(echo.url).toBe(route.url);
    expect(gateway.allReceived()).toHaveLength(1);
  });

  it('when a public route is called with no token, then it is forwarded without an authorization header', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/api/menu' });

    expect(response.statusCode).toBe(200);
    expect(response.json<EchoBody>().headers['authorization']).toBeUndefined();
  });

  it('when a protected route is called with a valid token, then the authorization header reaches the service unchanged', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/api/accounts/me', headers: bearer(customerToken) });

    expect(response.json<EchoBody>().headers['authorization']).toBe(`Bearer ${customerToken}`);
  });
});

describe('authentication at the edge', () => {
  const protectedRoutes = table.filter((route) => route.token !== 'none');

  it.each(protectedRoutes)('when $method $url is called without a token, then 401 and the service is not reached', async (route) => {
    const response = await gateway.app.inject({ method: route.method, url: route.url });

    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(gateway.allReceived()).toHaveLength(0);
  });

  it('when a token is expired, tampered, alg:none or garbage, then 401 and the service is not reached', async () => {
    const expired = await gateway.tokens.issue({ expiresInSeconds: -60 });
    const forged = await forgeTokens(customerToken);
    for (const token of [expired, forged.tampered, forged.algNone, forged.garbage]) {
      const response = await gateway.app.inject({ method: 'GET', url: '/api/customers/me', headers: bearer(token) });

      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect(gateway.allReceived()).toHaveLength(0);
  });

  it('when the authorization header is not a bearer token, then 401', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/api/orders', headers: { authorization: 'Basic dXNlcjpwYXNz' } });

    expect(response.statusCode).toBe(401);
    expect(gateway.allReceived()).toHaveLength(0);
  });

  it('when a customer token lists the admin sagas, then 403 and the orchestrator is not reached', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/api/admin/sagas', headers: bearer(customerToken) });

    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(gateway.allReceived()).toHaveLength(0);
  });

  it('when a protected POST without a token carries a large body, then it is refused with 401 before the body matters', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ padding: 'x'.repeat(200 * 1024) }),
    });

    expect(response.statusCode).toBe(401);
  });
});

describe('unknown routes', () => {
  const unknown = [
    { method: 'GET', url: '/api/nope' },
    { method: 'DELETE', url: '/api/customers/me' },
    { method: 'POST', url: '/api/menu' },
    { method: 'GET', url: '/internal/messages' },
    { method: 'POST', url: '/internal/messages' },
    { method: 'GET', url: '/.well-known/jwks.json' },
    { method: 'GET', url: '/api/orders/a/b' },
    { method: 'GET', url: '/' },
  ] as const;

  it.each(unknown)('when $method $url is called without a token, then 404 problem+json and no service is reached', async (route) => {
    const response = await gateway.app.inject({ method: route.method, url: route.url });

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(gateway.allReceived()).toHaveLength(0);
  });

  it.each(unknown)('when $method $url is called with a token (valid or not), then still 404', async (route) => {
    for (const token of [customerToken, 'not-a-jwt']) {
      const response = await gateway.app.inject({ method: route.method, url: route.url, headers: bearer(token) });
      expect(response.statusCode).toBe(404);
    }
    expect(gateway.allReceived()).toHaveLength(0);
  });

  it('when a path parameter is a dot segment, then 404 instead of a normalised path reaching a service', async () => {
    for (const url of ['/api/orders/..', '/api/orders/%2e%2e', '/api/checkout/%2E', '/api/orders/../cancel']) {
      const response = await gateway.app.inject({ method: url.endsWith('cancel') ? 'POST' : 'GET', url, headers: bearer(customerToken) });
      expect(response.statusCode, url).toBe(404);
    }
    expect(gateway.allReceived()).toHaveLength(0);
  });
});
