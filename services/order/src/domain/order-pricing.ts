import { fail, ok, type Result } from '@ordering/contracts';
import type { MenuItem } from './menu.js';

export interface RequestedLine {
  menuItemId: string;
  quantity: number;
}

export interface PricedLine {
  menuItemId: string;
  name: string;
  quantity: number;
  unitPrice: number;
  subtotal: number;
}

export type PricingFailureCode = 'UNKNOWN_MENU_ITEM' | 'INVALID_QUANTITY' | 'EMPTY_ORDER';

export interface PricedOrder {
  lines: PricedLine[];
  total: number;
}

export interface PricingFailure {
  code: PricingFailureCode;
  menuItemIds: string[];
}

const isPositiveInteger = (value: number): boolean => Number.isSafeInteger(value) && value > 0;

/**
 * Prices each requested line at today's menu price. Lines are kept as requested (a menu item asked for twice
 * is two lines), so an order shows exactly what the customer sent. Unavailable items count as unknown: they
 * can no longer be ordered.
 */
export const priceOrder = (menu: readonly MenuItem[], requested: readonly RequestedLine[]): Result<PricedOrder, PricingFailure> => {
  if (requested.length === 0) return fail({ code: 'EMPTY_ORDER', menuItemIds: [] });
  const badQuantities = requested.filter((line) => !isPositiveInteger(line.quantity));
  if (badQuantities.length > 0) return fail({ code: 'INVALID_QUANTITY', menuItemIds: badQuantities.map((l) => l.menuItemId) });

  // UUIDs compare case-insensitively, as PostgreSQL compares them.
  const orderable = new Map(menu.filter((item) => item.available).map((item) => [item.id.toLowerCase(), item]));
  const unknown = requested.filter((line) => !orderable.has(line.menuItemId.toLowerCase())).map((line) => line.menuItemId);
  if (unknown.length > 0) return fail({ code: 'UNKNOWN_MENU_ITEM', menuItemIds: [...new Set(unknown)] });

  const lines = requested.map((line): PricedLine => {
    const item = orderable.get(line.menuItemId.toLowerCase()) as MenuItem;
    return { menuItemId: item.id, name: item.name, quantity: line.quantity, unitPrice: item.price, subtotal: item.price * line.quantity };
  });
  const total = lines.reduce((sum, line) => sum + line.subtotal, 0);
  // Unreachable with validated input (100 x 20 lines of menu prices), but money must never lose precision.
  if (!Number.isSafeInteger(total)) return fail({ code: 'INVALID_QUANTITY', menuItemIds: requested.map((l) => l.menuItemId) });
  return ok({ lines, total });
};
