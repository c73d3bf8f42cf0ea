import { CRAFTED_CURSORS } from '@ordering/testing';
import { describe, expect, it } from 'vitest';
import { useOrderService } from './support/use-order-service.js';
import type { Order } from '../src/domain/order.js';
import { presentOrder } from '../src/http/order-schemas.js';
import { aCustomerId, aLine, anOrder, anOrderHistory, SEEDED_MENU, simultaneousOrders, SQL_METACHARACTERS } from './builders.js';

interface OrderPage {
  items: { id: string; customerId: string; status: string; reason?: string; createdAt: string }[];
  nextCursor: string | null;
}

const idsOf = (orders: Order[]): string[] => orders.map((order) => order.id);

describe('GET /api/orders', () => {
  const service = useOrderService();

  const list = async (token: string, query = ''): Promise<OrderPage> => {
    const response = await service.get(`/api/orders${query}`, token);
    expect(response.statusCode).toBe(200);
    return response.json<OrderPage>();
  };

  /** Follows nextCursor to the end and returns every page. */
  const allPages = async (token: string, query: string): Promise<OrderPage[]> => {
    const pages: OrderPage[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(token, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 50);
    return pages;
  };

  describe('as a customer', () => {
    it('when a customer lists orders, then only their own appear, newest first', async () => {
      const customerId = aCustomerId();
      const mine = anOrderHistory(3, { customerId });
      await service.given(...anOrderHistory(2), ...[...mine].reverse());

      const page = await list(await service.tokenFor(customerId));

      expect(page.items.map((order) => order.id)).toEqual(idsOf(mine));
      expect(page.items.every((order) => order.customerId === customerId)).toBe(true);
      expect(page.nextCursor).toBeNull();
    });

    it('when an order is listed, then it has the public Order shape with its lines and totals', async () => {
      const customerId = aCustomerId();
      const order = anOrder({ customerId, items: [aLine(SEEDED_MENU.katsuCurry, 2), aLine(SEEDED_MENU.lemonSour, 1)] });
      await service.given(order);

      const page = await list(await service.tokenFor(customerId));

      expect(page.items).toEqual([presentOrder(order)]);
      expect(page.items[0]).toMatchObject({
        items: [
          { menuItemId: SEEDED_MENU.katsuCurry.id, name: 'Katsu curry', quantity: 2, unitPrice: 1100, subtotal: 2200 },
          { menuItemId: SEEDED_MENU.lemonSour.id, name: 'Lemon sour', quantity: 1, unitPrice: 450, subtotal: 450 },
        ],
        total: 2650,
        currency: 'JPY',
        status: 'APPROVED',
      });
      expect(page.items[0]).not.toHaveProperty('reason');
    });

    it('when a customer has no orders, then the page is empty with no next cursor', async () => {
      expect(await list(await service.tokenFor(aCustomerId()))).toEqual({ items: [], nextCursor: null });
    });

    it('when 25 orders are paged 10 at a time, then the pages hold 10, 10 and 5 with no duplicates or gaps', async () => {
      const customerId = aCustomerId();
      const history = anOrderHistory(25, { customerId });
      await service.given(...history);

      const pages = await allPages(await service.tokenFor(customerId), '?limit=10');

      expect(pages.map((page) => page.items.length)).toEqual([10, 10, 5]);
      expect(pages.flatMap((page) => page.items.map((order) => order.id))).toEqual(idsOf(history));
      expect(pages.at(-1)?.nextCursor).toBeNull();
    });

    it('when no limit is given, then a page holds 20 orders and points to the next', async () => {
      const customerId = aCustomerId();
      await service.given(...anOrderHistory(25, { customerId }));

      const page = await list(await service.tokenFor(customerId));

      expect(page.items).toHaveLength(20);
      expect(page.nextCursor).toEqual(expect.any(String));
    });

    it('when exactly a page worth of orders exists, then the last page says there is no next one', async () => {
      const customerId = aCustomerId();
      await service.given(...anOrderHistory(10, { customerId }));

      const pages = await allPages(await service.tokenFor(customerId), '?limit=10');

      expect(pages.map((page) => page.items.length)).toEqual([10]);
    });

    it('when many orders share one creation time, then paging breaks ties by id without repeating or skipping any', async () => {
      const customerId = aCustomerId();
      const orders = simultaneousOrders(7, { customerId });
      await service.given(...orders);

      const pages = await allPages(await service.tokenFor(customerId), '?limit=3');

      const seen = pages.flatMap((page) => page.items.map((order) => order.id));
      expect(pages.map((page) => page.items.length)).toEqual([3, 3, 1]);
      expect(seen).toEqual(idsOf(orders).sort().reverse());
    });

    it('when filtered by status, then only orders in that status appear, and rejected ones carry their reason', async () => {
      const customerId = aCustomerId();
      const [approved, rejected, cancelled, pending] = [
        anOrder({ customerId, status: 'APPROVED' }),
        anOrder({ customerId, status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS' }),
        anOrder({ customerId, status: 'CANCELLED' }),
        anOrder({ customerId, status: 'PENDING' }),
      ];
      await service.given(approved, rejected, cancelled, pending, anOrder({ status: 'REJECTED', reason: 'TIMEOUT' }));
      const token = await service.tokenFor(customerId);

      const rejectedPage = await list(token, '?status=REJECTED');
      expect(rejectedPage.items.map((order) => [order.id, order.status, order.reason])).toEqual([
        [rejected.id, 'REJECTED', 'INSUFFICIENT_FUNDS'],
      ]);
      expect((await list(token, '?status=PENDING')).items.map((order) => order.id)).toEqual([pending.id]);
      expect((await list(token, '?status=CANCEL_PENDING')).items).toEqual([]);
      expect((await list(token)).items).toHaveLength(4);
    });

    it('when a status filter is combined with paging, then every page honours the filter', async () => {
      const customerId = aCustomerId();
      const history = anOrderHistory(12, { customerId }).map((order, index) => ({
        ...order,
        status: index % 3 === 0 ? ('CANCELLED' as const) : ('APPROVED' as const),
      }));
      await service.given(...history);

      const pages = await allPages(await service.tokenFor(customerId), '?status=CANCELLED&limit=3');

      expect(pages.flatMap((page) => page.items.map((order) => order.id))).toEqual(
        idsOf(history.filter((order) => order.status === 'CANCELLED')),
      );
      expect(pages.at(-1)?.nextCursor).toBeNull();
    });

    it('when a page of orders is read, then their lines come from one query, not one per order', async () => {
      const customerId = aCustomerId();
      await service.given(...anOrderHistory(10, { customerId }));
      const token = await service.tokenFor(customerId);
      const query = service.database.pool.query.bind(service.database.pool);
      let queries = 0;
      service.database.pool.query = ((...args: Parameters<typeof query>) => {
        queries += 1;
        return query(...args);
      }) as typeof query;
      try {
        const page = await list(token, '?limit=10');
        expect(page.items.every((order) => (order as unknown as { items: unknown[] }).items.length === 2)).toBe(true);
      } finally {
        service.database.pool.query = query;
      }
      expect(queries).toBe(2);
    });
  });

  describe('bad input', () => {
    it.each([
      ['an unknown status', '?status=SHIPPED'],
      ['a lower-case status', '?status=approved'],
      ['a zero limit', '?limit=0'],
      ['a limit over 100', '?limit=101'],
      ['a negative limit', '?limit=-1'],
      ['a fractional limit', '?limit=1.5'],
      ['an enormous limit', '?limit=99999999999999999999999'],
      ['a text limit', '?limit=abc'],
      ['an empty limit', '?limit='],
      ['a garbage cursor', '?cursor=garbage'],
      ['a cursor of valid base64 but foreign content', `?cursor=${Buffer.from('{"createdAt":"yesterday"}').toString('base64url')}`],
      ['a cursor with a non-uuid id', `?cursor=${Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', 'x'])).toString('base64url')}`],
      ['an over-long cursor', `?cursor=${'a'.repeat(201)}`],
      ['SQL in the status', `?status=${encodeURIComponent(SQL_METACHARACTERS)}`],
      ['SQL in the cursor', `?cursor=${encodeURIComponent(SQL_METACHARACTERS)}`],
      ['SQL in the limit', `?limit=${encodeURIComponent(`10${SQL_METACHARACTERS}`)}`],
      ...CRAFTED_CURSORS.map(([what, cursor]): [string, string] => [`a cursor holding ${what}`, `?cursor=${cursor}`]),
    ])('when the query has %s, then the answer is 400 VALIDATION_FAILED and nothing changes', async (_what, query) => {
      const before = await service.countRows('orders');

      const response = await service.get(`/api/orders${query}`, await service.tokenFor(aCustomerId()));

      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
      expect(await service.countRows('orders')).toBe(before);
    });

    it('when a parameter this route does not know carries SQL, then it is ignored harmlessly', async () => {
      const customerId = aCustomerId();
      await service.given(anOrder({ customerId }));
      const before = await service.countRows('orders');

      const page = await list(await service.tokenFor(customerId), `?sort=${encodeURIComponent(SQL_METACHARACTERS)}`);

      expect(page.items).toHaveLength(1);
      expect(await service.countRows('orders')).toBe(before);
    });
  });
});

describe('GET /api/orders as an admin', () => {
  const service = useOrderService();

  it('when an admin lists orders, then every customer’s orders appear, newest first across customers', async () => {
    const [alice, bob] = [aCustomerId(), aCustomerId()];
    const history = anOrderHistory(6).map((order, index) => ({ ...order, customerId: index % 2 === 0 ? alice : bob }));
    await service.given(...history);

    const response = await service.get('/api/orders?limit=100', await service.tokenFor(aCustomerId(), 'admin'));

    expect(response.statusCode).toBe(200);
    expect(response.json<OrderPage>().items.map((order) => order.id)).toEqual(idsOf(history));
  });

  it('when an admin filters by status, then orders of every customer in that status appear', async () => {
    const rejected = [anOrder({ status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS' }), anOrder({ status: 'REJECTED', reason: 'TIMEOUT' })];
    await service.given(...rejected, anOrder({ status: 'APPROVED' }));

    const response = await service.get('/api/orders?status=REJECTED', await service.tokenFor(aCustomerId(), 'admin'));

    expect(
      response
        .json<OrderPage>()
        .items.map((order) => order.id)
        .sort(),
    ).toEqual(idsOf(rejected).sort());
  });
});
