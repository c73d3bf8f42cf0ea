import { describe, expect, it } from 'vitest';
import { useOrderService } from './support/use-order-service.js';
import { aCustomerId, SEEDED_MENU, SEEDED_MENU_ITEMS } from './builders.js';

interface MenuItemView {
  id: string;
  name: string;
  kind: string;
  price: number;
  currency: string;
}

describe('GET /api/menu', () => {
  const service = useOrderService();

  const menu = async (token?: string): Promise<MenuItemView[]> => {
    const response = await service.get('/api/menu', token);
    expect(response.statusCode).toBe(200);
    return response.json<{ items: MenuItemView[] }>().items;
  };

  it('when anyone asks without a token, then the seeded menu has at least 4 foods and 4 drinks', async () => {
    const items = await menu();
    expect(items.filter((item) => item.kind === 'food').length).toBeGreaterThanOrEqual(4);
    expect(items.filter((item) => item.kind === 'drink').length).toBeGreaterThanOrEqual(4);
  });

  it('when the menu is listed, then every price is a positive integer in JPY and items carry exactly the public fields', async () => {
    for (const item of await menu()) {
      expect(Number.isInteger(item.price)).toBe(true);
      expect(item.price).toBeGreaterThan(0);
      expect(item.currency).toBe('JPY');
      expect(Object.keys(item).sort()).toEqual(['currency', 'id', 'kind', 'name', 'price']);
    }
  });

  it('when the menu is listed, then its ids are the fixed seed ids documented in the README', async () => {
    const items = await menu();
    expect(items.map(({ id, name, kind, price }) => ({ id, name, kind, price })).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      SEEDED_MENU_ITEMS.map(({ id, name, kind, price }) => ({ id, name, kind, price })).sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('when the menu is listed, then it is ordered by kind, then name', async () => {
    const items = await menu();
    const keys = items.map((item) => [item.kind, item.name] as const);
    const sorted = [...keys].sort(([k1, n1], [k2, n2]) => k1.localeCompare(k2) || n1.localeCompare(n2));
    expect(keys).toEqual(sorted);
  });

  it('when a token is sent, even a broken one, then the public menu is still served', async () => {
    const token = await service.tokenFor(aCustomerId());
    expect((await service.get('/api/menu', token)).statusCode).toBe(200);
    expect((await service.get('/api/menu', 'not.a.token')).statusCode).toBe(200);
  });

  it('when an item is withdrawn, then it disappears from the menu but stays known to the order repository', async () => {
    const { ramune } = SEEDED_MENU;
    await service.database.pool.query('update menu_items set available = false where id = $1', [ramune.id]);
    try {
      expect((await menu()).map((item) => item.id)).not.toContain(ramune.id);
      expect(await service.orders.findMenuItems([ramune.id])).toEqual([{ ...ramune, available: false }]);
    } finally {
      await service.database.pool.query('update menu_items set available = true where id = $1', [ramune.id]);
    }
  });
});
