import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useOrderService } from './support/use-order-service.js';
import { aCustomerId, aLine, aMenuItem, anOrder, anOrderHistory, SEEDED_MENU } from './builders.js';

describe('order repository', () => {
  const service = useOrderService();

  it('when an order is inserted, then it reads back identical, lines in the order given', async () => {
    const order = anOrder({ items: [aLine(SEEDED_MENU.matchaLatte, 3), aLine(SEEDED_MENU.karaage), aLine(SEEDED_MENU.matchaLatte)] });
    await service.given(order);

    expect(await service.orders.findOrder(order.id)).toEqual(order);
  });

  it('when a line cannot be stored, then the whole order is rolled back', async () => {
    const order = anOrder({ items: [aLine(SEEDED_MENU.gyoza)] });
    const broken = {
      ...order,
      lines: [...order.lines, { menuItemId: aMenuItem().id, name: 'Ghost', quantity: 1, unitPrice: 100, subtotal: 100 }],
    };
    const before = { orders: await service.countRows('orders'), items: await service.countRows('order_items') };

    await expect(service.given(broken)).rejects.toThrow();

    expect(await service.orders.findOrder(order.id)).toBeUndefined();
    expect({ orders: await service.countRows('orders'), items: await service.countRows('order_items') }).toEqual(before);
  });

  it('when a line’s subtotal does not match its price and quantity, then the database refuses it', async () => {
    const order = anOrder({ items: [aLine(SEEDED_MENU.gyoza, 2)] });
    const wrong = { ...order, lines: order.lines.map((line) => ({ ...line, subtotal: line.subtotal - 1 })) };
    await expect(service.given(wrong)).rejects.toThrow();
    expect(await service.orders.findOrder(order.id)).toBeUndefined();
  });

  it('when the menu price changes after an order, then the order keeps the price it was charged', async () => {
    const { draftBeer } = SEEDED_MENU;
    const order = anOrder({ items: [aLine(draftBeer, 2)] });
    await service.given(order);
    await service.database.pool.query('update menu_items set price = 750 where id = $1', [draftBeer.id]);
    try {
      const stored = await service.orders.findOrder(order.id);
      expect(stored?.lines).toEqual([{ menuItemId: draftBeer.id, name: 'Draft beer', quantity: 2, unitPrice: 600, subtotal: 1200 }]);
      expect(stored?.total).toBe(1200);
    } finally {
      await service.database.pool.query('update menu_items set price = $2 where id = $1', [draftBeer.id, draftBeer.price]);
    }
  });

  it('when menu items are looked up, then known ids are found and unknown or malformed ids are skipped', async () => {
    const { gyoza, ramune } = SEEDED_MENU;
    const found = await service.orders.findMenuItems([
      gyoza.id,
      ramune.id.toUpperCase(),
      randomUUID(),
      'nope',
      "'; DROP TABLE menu_items; --",
      gyoza.id,
    ]);
    expect(found.map((item) => item.id).sort()).toEqual([gyoza.id, ramune.id].sort());
    expect(await service.orders.findMenuItems([])).toEqual([]);
  });

  it('when an unknown or malformed order id is looked up, then nothing is found', async () => {
    expect(await service.orders.findOrder(randomUUID())).toBeUndefined();
    expect(await service.orders.findOrder('not-a-uuid')).toBeUndefined();
  });

  it('when orders are listed with a limit, then at most that many come back, newest first, each with its lines', async () => {
    const customerId = aCustomerId();
    const history = anOrderHistory(5, { customerId });
    await service.given(...history);

    const listed = await service.orders.listOrders({ customerId, limit: 3 });

    expect(listed).toEqual(history.slice(0, 3));
  });
});
