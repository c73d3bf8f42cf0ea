import { CRAFTED_CURSORS } from '@ordering/testing';
import { describe, expect, it } from 'vitest';
import { useAccountService } from './support/use-account-service.js';
import { aCustomerId, aDepositRequest } from './builders.js';

const service = useAccountService();

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('GET /api/accounts/me', () => {
  it('when a new customer looks at their account, then it exists with balance 0 in JPY', async () => {
    const customerId = aCustomerId();
    const response = await service.getMe(await service.tokenFor(customerId));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ customerId, balance: 0, currency: 'JPY', updatedAt: expect.stringMatching(ISO_UTC) });
  });

  it('when the account is read twice, then only one account row exists', async () => {
    const customerId = aCustomerId();
    const token = await service.tokenFor(customerId);
    const first = await service.getMe(token);
    const second = await service.getMe(token);
    expect(second.json()).toEqual(first.json());
    expect(await service.countRows('accounts', customerId)).toBe(1);
  });

  it('when many first reads race, then exactly one account row is created', async () => {
    const customerId = aCustomerId();
    const token = await service.tokenFor(customerId);
    const responses = await Promise.all(Array.from({ length: 10 }, () => service.getMe(token)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(await service.countRows('accounts', customerId)).toBe(1);
  });

  it('when an admin looks at their account, then they get one too', async () => {
    const customerId = aCustomerId();
    const response = await service.getMe(await service.tokenFor(customerId, 'admin'));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ customerId, balance: 0 });
  });
});

describe('POST /api/accounts/me/deposits', () => {
  it('when a customer deposits, then 201 carries the new balance and a DEPOSIT entry without orderId', async () => {
    const customerId = aCustomerId();
    const token = await service.tokenFor(customerId);
    const response = await service.deposit(token, aDepositRequest(1_500));
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toEqual({
      account: { customerId, balance: 1_500, currency: 'JPY', updatedAt: expect.stringMatching(ISO_UTC) },
      entry: {
        id: expect.stringMatching(UUID),
        kind: 'DEPOSIT',
        amount: 1_500,
        balanceAfter: 1_500,
        createdAt: expect.stringMatching(ISO_UTC),
      },
    });
    expect(body.entry).not.toHaveProperty('orderId');
    expect(await service.balanceOf(customerId)).toBe(1_500);
    expect((await service.getMe(token)).json()).toMatchObject({ balance: 1_500 });
  });

  it('when a customer deposits the maximum and the minimum, then both are accepted', async () => {
    const customerId = aCustomerId();
    const token = await service.tokenFor(customerId);
    expect((await service.deposit(token, aDepositRequest(10_000_000))).statusCode).toBe(201);
    expect((await service.deposit(token, aDepositRequest(1))).statusCode).toBe(201);
    expect(await service.balanceOf(customerId)).toBe(10_000_001);
  });

  it('when a customer deposits several times, then each entry carries the running balance', async () => {
    const customerId = aCustomerId();
    const token = await service.tokenFor(customerId);
    const balances: number[] = [];
    for (const amount of [100, 250, 50]) {
      balances.push((await service.deposit(token, aDepositRequest(amount))).json().entry.balanceAfter);
    }
    expect(balances).toEqual([100, 350, 400]);
  });

  it('when 20 deposits without a key race, then all are applied and the ledger adds up', async () => {
    const customerId = aCustomerId();
    const token = await service.tokenFor(customerId);
    const amounts = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
    const responses = await Promise.all(amounts.map((amount) => service.deposit(token, aDepositRequest(amount))));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(201));

    const total = amounts.reduce((a, b) => a + b, 0);
    expect(await service.balanceOf(customerId)).toBe(total);
    const ledger = await service.ledgerOf(customerId);
    expect(ledger).toHaveLength(20);
    expect(ledger.reduce((sum, entry) => sum + entry.amount, 0)).toBe(total);
    // Serialised on the account row: every balanceAfter is distinct and follows the ledger order.
    let running = 0;
    for (const entry of ledger) {
      running += entry.amount;
      expect(entry.balanceAfter).toBe(running);
    }
  });
});

describe('GET /api/accounts/me/entries', () => {
  it('when a customer has no entries, then the page is empty', async () => {
    const response = await service.entries(await service.tokenFor(aCustomerId()));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ items: [], nextCursor: null });
  });

  it('when a customer deposited several times, then entries come newest first with their balances', async () => {
    const token = await service.tokenFor(aCustomerId());
    const ids: string[] = [];
    for (const amount of [100, 200, 300, 400]) ids.push((await service.deposit(token, aDepositRequest(amount))).json().entry.id);

    const page = (await service.entries(token)).json();
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((e: { id: string }) => e.id)).toEqual([...ids].reverse());
    expect(page.items.map((e: { balanceAfter: number }) => e.balanceAfter)).toEqual([1_000, 600, 300, 100]);
    expect(page.items.map((e: { amount: number }) => e.amount)).toEqual([400, 300, 200, 100]);
  });

  it('when entries span several pages, then following the cursors returns each entry exactly once in order', async () => {
    const token = await service.tokenFor(aCustomerId());
    const ids: string[] = [];
    for (let i = 1; i <= 7; i += 1) ids.push((await service.deposit(token, aDepositRequest(i))).json().entry.id);

    const seen: string[] = [];
    let query = '?limit=3';
    const sizes: number[] = [];
    for (;;) {
      const response = await service.entries(token, query);
      expect(response.statusCode).toBe(200);
      const page = response.json();
      sizes.push(page.items.length);
      seen.push(...page.items.map((e: { id: string }) => e.id));
      if (page.nextCursor === null) break;
      query = `?limit=3&cursor=${encodeURIComponent(page.nextCursor)}`;
    }
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual([...ids].reverse());
  });

  it("when a customer lists entries, then another customer's entries never appear", async () => {
    const mine = await service.tokenFor(aCustomerId());
    const theirs = await service.tokenFor(aCustomerId());
    await service.deposit(theirs, aDepositRequest(999));
    const myEntry = (await service.deposit(mine, aDepositRequest(111))).json().entry;
    expect((await service.entries(mine)).json().items).toEqual([myEntry]);
  });

  it.each(['?limit=0', '?limit=101', '?limit=abc', '?cursor=garbage', '?cursor=%27%3B%20DROP%20TABLE%20ledger_entries%3B%20--'])(
    'when the query is %s, then it is a 400',
    async (query) => {
      const response = await service.entries(await service.tokenFor(aCustomerId()), query);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    },
  );

  it.each(CRAFTED_CURSORS)(
    'when the cursor holds %s, then it is a 400 VALIDATION_FAILED problem, not a database error',
    async (_case, cursor) => {
      const response = await service.entries(await service.tokenFor(aCustomerId()), `?cursor=${cursor}`);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    },
  );
});

describe('OpenAPI', () => {
  it('when the document is read, then it describes all three routes with bearer auth', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/docs/json' });
    const document = response.json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/accounts/me', '/api/accounts/me/deposits', '/api/accounts/me/entries']),
    );
    expect(document.paths['/api/accounts/me/deposits'].post.security).toEqual([{ bearerAuth: [] }]);
  });
});
