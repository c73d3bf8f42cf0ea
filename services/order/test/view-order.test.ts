import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useOrderService } from './support/use-order-service.js';
import { aCustomerId, aLine, anOrder, SEEDED_MENU, SQL_METACHARACTERS } from './builders.js';

describe('GET /api/orders/{id}', () => {
  const service = useOrderService();

  it('when the owner reads their order, then it comes back with its lines and totals', async () => {
    const customerId = aCustomerId();
    const order = anOrder({
      customerId,
      items: [aLine(SEEDED_MENU.shoyuRamen, 2), aLine(SEEDED_MENU.gyoza), aLine(SEEDED_MENU.draftBeer, 2)],
    });
    await service.given(order);

    const response = await service.get(`/api/orders/${order.id}`, await service.tokenFor(customerId));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: order.id,
      customerId,
      items: [
        { menuItemId: SEEDED_MENU.shoyuRamen.id, name: 'Shoyu ramen', quantity: 2, unitPrice: 980, subtotal: 1960 },
        { menuItemId: SEEDED_MENU.gyoza.id, name: 'Gyoza', quantity: 1, unitPrice: 480, subtotal: 480 },
        { menuItemId: SEEDED_MENU.draftBeer.id, name: 'Draft beer', quantity: 2, unitPrice: 600, subtotal: 1200 },
      ],
      total: 3640,
      currency: 'JPY',
      status: 'APPROVED',
      createdAt: order.createdAt.toISOString(),
      updatedAt: order.updatedAt.toISOString(),
    });
  });

  it('when a rejected order is read, then it carries its reason', async () => {
    const customerId = aCustomerId();
    const order = anOrder({ customerId, status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS' });
    await service.given(order);

    const response = await service.get(`/api/orders/${order.id}`, await service.tokenFor(customerId));

    expect(response.json()).toMatchObject({ status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS' });
  });

  it('when another customer reads the order, then it is 404, exactly as for an order that does not exist', async () => {
    const order = anOrder();
    await service.given(order);
    const stranger = await service.tokenFor(aCustomerId());

    const theirs = await service.get(`/api/orders/${order.id}`, stranger);
    const missing = await service.get(`/api/orders/${randomUUID()}`, stranger);

    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(Object.keys(theirs.json()).sort()).toEqual(Object.keys(missing.json()).sort());
    expect(missing.statusCode).toBe(404);
  });

  it('when an admin reads any customer’s order, then it comes back', async () => {
    const order = anOrder({ status: 'CANCEL_PENDING' });
    await service.given(order);

    const response = await service.get(`/api/orders/${order.id}`, await service.tokenFor(aCustomerId(), 'admin'));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: order.id, customerId: order.customerId, status: 'CANCEL_PENDING', total: order.total });
  });

  it('when the id is unknown, then it is 404 NOT_FOUND', async () => {
    const response = await service.get(`/api/orders/${randomUUID()}`, await service.tokenFor(aCustomerId(), 'admin'));
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('when the owner uses the id in upper case, then it is the same order', async () => {
    const customerId = aCustomerId();
    const order = anOrder({ customerId });
    await service.given(order);

    const response = await service.get(`/api/orders/${order.id.toUpperCase()}`, await service.tokenFor(customerId));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: order.id });
  });

  it.each([
    ['a non-uuid id', 'not-a-uuid'],
    ['a number', '42'],
    ['a uuid with a trailing character', `${randomUUID()}x`],
    ['SQL metacharacters', encodeURIComponent(SQL_METACHARACTERS)],
    ['an over-long id', 'a'.repeat(190)],
    ['a urn:uuid form', `urn:uuid:${randomUUID()}`],
  ])('when the id is %s, then it is 400 VALIDATION_FAILED and nothing changes', async (_what, id) => {
    const before = await service.countRows('orders');

    const response = await service.get(`/api/orders/${id}`, await service.tokenFor(aCustomerId()));

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await service.countRows('orders')).toBe(before);
  });
});
