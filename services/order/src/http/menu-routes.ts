import { Uuid } from '@ordering/contracts';
import type { HttpServer } from '@ordering/platform';
import { Type, type Static } from 'typebox';
import { MENU_KINDS, type MenuItem } from '../domain/menu.js';
import type { OrderRepository } from '../db/order-repository.js';

export const MenuItemSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  kind: Type.Enum(MENU_KINDS),
  price: Type.Integer({ minimum: 1, description: 'Integer yen' }),
  currency: Type.Literal('JPY'),
});

const MenuResponse = Type.Object({ items: Type.Array(MenuItemSchema) });

const presentMenuItem = (item: MenuItem): Static<typeof MenuItemSchema> => ({
  id: item.id,
  name: item.name,
  kind: item.kind,
  price: item.price,
  currency: item.currency,
});

export const registerMenuRoutes = (app: HttpServer, deps: { orders: OrderRepository }): void => {
  app.get(
    '/api/menu',
    {
      schema: {
        tags: ['menu'],
        summary: 'List the items that can be ordered now, foods and drinks, by kind then name',
        response: { 200: MenuResponse },
      },
    },
    async () => ({ items: (await deps.orders.listMenu()).map(presentMenuItem) }),
  );
};
