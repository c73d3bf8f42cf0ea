import { describe, expect, it } from 'vitest';
import { priceOrder } from '../src/domain/order-pricing.js';
import { aLine, aMenuItem, SEEDED_MENU, SEEDED_MENU_ITEMS } from './builders.js';

const { shoyuRamen, gyoza, greenTea, draftBeer } = SEEDED_MENU;

describe('order pricing', () => {
  it('when lines are priced, then each subtotal is the menu price times the quantity and the total is their sum', () => {
    const result = priceOrder(SEEDED_MENU_ITEMS, [aLine(shoyuRamen, 2), aLine(gyoza, 1), aLine(draftBeer, 3)]);
    expect(result).toEqual({
      ok: true,
      value: {
        lines: [
          { menuItemId: shoyuRamen.id, name: 'Shoyu ramen', quantity: 2, unitPrice: 980, subtotal: 1960 },
          { menuItemId: gyoza.id, name: 'Gyoza', quantity: 1, unitPrice: 480, subtotal: 480 },
          { menuItemId: draftBeer.id, name: 'Draft beer', quantity: 3, unitPrice: 600, subtotal: 1800 },
        ],
        total: 4240,
      },
    });
  });

  it('when the same item is requested twice, then both lines are kept as requested and priced separately', () => {
    const result = priceOrder(SEEDED_MENU_ITEMS, [aLine(greenTea, 1), aLine(greenTea, 4)]);
    expect(result.ok && result.value.lines.map((line) => line.subtotal)).toEqual([180, 720]);
    expect(result.ok && result.value.total).toBe(900);
  });

  it('when the maximum quantity is ordered, then the total is an exact integer', () => {
    const lines = Array.from({ length: 20 }, () => aLine(SEEDED_MENU.katsuCurry, 100));
    const result = priceOrder(SEEDED_MENU_ITEMS, lines);
    expect(result.ok && result.value.total).toBe(20 * 100 * 1100);
  });

  it('when an item is not on the menu, then pricing fails with UNKNOWN_MENU_ITEM naming it', () => {
    const stranger = aMenuItem();
    expect(priceOrder(SEEDED_MENU_ITEMS, [aLine(shoyuRamen), aLine(stranger, 2)])).toEqual({
      ok: false,
      failure: { code: 'UNKNOWN_MENU_ITEM', menuItemIds: [stranger.id] },
    });
  });

  it('when an item has been withdrawn from the menu, then it counts as unknown', () => {
    const withdrawn = aMenuItem({ available: false });
    const result = priceOrder([...SEEDED_MENU_ITEMS, withdrawn], [aLine(withdrawn)]);
    expect(result).toMatchObject({ ok: false, failure: { code: 'UNKNOWN_MENU_ITEM', menuItemIds: [withdrawn.id] } });
  });

  it('when a menu id arrives in upper case, then it matches and the line carries the canonical id', () => {
    const result = priceOrder(SEEDED_MENU_ITEMS, [{ menuItemId: gyoza.id.toUpperCase(), quantity: 1 }]);
    expect(result.ok && result.value.lines[0]?.menuItemId).toBe(gyoza.id);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])(
    'when a quantity is %s, then pricing fails with INVALID_QUANTITY',
    (quantity) => {
      expect(priceOrder(SEEDED_MENU_ITEMS, [{ menuItemId: gyoza.id, quantity }])).toMatchObject({
        ok: false,
        failure: { code: 'INVALID_QUANTITY' },
      });
    },
  );

  it('when no lines are requested, then pricing fails with EMPTY_ORDER', () => {
    expect(priceOrder(SEEDED_MENU_ITEMS, [])).toMatchObject({ ok: false, failure: { code: 'EMPTY_ORDER' } });
  });
});
