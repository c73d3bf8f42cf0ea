import { randomUUID } from 'node:crypto';
import { forgeTokens } from '@ordering/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { aCustomerId, anOrder } from './builders.js';
import { useOrderService } from './support/use-order-service.js';

describe('authentication on the order routes', () => {
  const service = useOrderService();
  let customerId: string;
  let orderId: string;
  let badTokens: Record<string, string | undefined>;

  beforeAll(async () => {
    customerId = aCustomerId();
    const order = anOrder({ customerId });
    orderId = order.id;
    await service.given(order);
    const forged = await forgeTokens(await service.tokenFor(customerId));
    badTokens = {
      missing: undefined,
      expired: await service.tokens.issue({ customerId, expiresInSeconds: -60 }),
      tampered: forged.tampered,
      'alg:none': forged.algNone,
      garbage: forged.garbage,
    };
  });

  const routes = (): string[] => ['/api/orders', `/api/orders/${orderId}`];

  it.each(['missing', 'expired', 'tampered', 'alg:none', 'garbage'])(
    'when the token is %s, then both order routes answer 401',
    async (kind) => {
      for (const url of routes()) {
        const response = await service.get(url, badTokens[kind]);
        expect(response.statusCode, url).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer');
        expect(response.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
        expect(JSON.stringify(response.json())).not.toContain(customerId);
      }
    },
  );

  it('when the authorization header is not a bearer token, then the answer is 401', async () => {
    const token = await service.tokenFor(customerId);
    const response = await service.app.inject({ method: 'GET', url: '/api/orders', headers: { authorization: `Basic ${token}` } });
    expect(response.statusCode).toBe(401);
  });

  it('when a token is refused, then bad query input is not even looked at (401 before 400)', async () => {
    expect((await service.get('/api/orders?limit=0')).statusCode).toBe(401);
    expect((await service.get('/api/orders/not-a-uuid')).statusCode).toBe(401);
  });

  it('when a valid token is sent, then the same routes answer 200', async () => {
    const token = await service.tokenFor(customerId);
    for (const url of routes()) expect((await service.get(url, token)).statusCode, url).toBe(200);
  });

  it('when a route does not exist, then it is 404 with or without a token', async () => {
    const token = await service.tokenFor(customerId);
    expect((await service.get('/api/nothing-here')).statusCode).toBe(404);
    expect((await service.get('/api/nothing-here', token)).statusCode).toBe(404);
    expect((await service.get(`/api/orders/${randomUUID()}/lines`, token)).statusCode).toBe(404);
  });

  it('when someone tries to create or delete an order over HTTP, then there is no such route and nothing changes', async () => {
    const token = await service.tokenFor(customerId);
    const before = await service.countRows('orders');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const post = await service.app.inject({ method: 'POST', url: '/api/orders', headers, payload: { items: [] } });
    const remove = await service.app.inject({ method: 'DELETE', url: `/api/orders/${orderId}`, headers });
    expect(post.statusCode).toBe(404);
    expect(remove.statusCode).toBe(404);
    expect(await service.countRows('orders')).toBe(before);
  });
});
