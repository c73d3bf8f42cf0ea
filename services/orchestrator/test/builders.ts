export const RAMEN = '5ef814a2-8284-440c-b8c1-913283d014db';
export const GREEN_TEA = '81b5e28b-b98a-4cb8-9cda-3528f343be40';

export const aCheckout = (overrides: Partial<{ items: { menuItemId: string; quantity: number }[] }> = {}) => ({
  items: overrides.items ?? [
    { menuItemId: RAMEN, quantity: 1 },
    { menuItemId: GREEN_TEA, quantity: 2 },
  ],
});

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
