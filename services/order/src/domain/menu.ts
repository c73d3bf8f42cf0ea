/** Money is an integer count of yen; the menu and every order are priced in one currency. */
export const CURRENCY = 'JPY';
export type Currency = typeof CURRENCY;

export const MENU_KINDS = ['food', 'drink'] as const;
export type MenuKind = (typeof MENU_KINDS)[number];

export interface MenuItem {
  id: string;
  name: string;
  kind: MenuKind;
  price: number;
  currency: Currency;
  /** Withdrawn items stay in the table (past orders point at them) but can no longer be ordered. */
  available: boolean;
}
