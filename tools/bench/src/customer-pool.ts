import { randomBytes } from 'node:crypto';
import { jsonOf, type HttpClient } from './http-client.js';

/** Customers with funds, and the menu, prepared through the gateway exactly as a client would. */

export interface BenchCustomer {
  readonly id: string;
  readonly token: string;
}

export interface MenuItem {
  readonly id: string;
  readonly name: string;
  readonly kind: 'food' | 'drink';
  readonly price: number;
}

/** The largest single deposit docs/api.md allows; enough for thousands of checkouts per customer. */
export const DEPOSIT_AMOUNT = 10_000_000;
const PASSWORD = 'bench-password-not-secret';
/** Registration and login each run scrypt on the customer service: a few at a time keeps preparation quick. */
const PREPARE_PARALLELISM = 4;

export const mapConcurrently = async <T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index] as T, index);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
};

const prepareOne = async (client: HttpClient, gatewayUrl: string, runId: string, index: number): Promise<BenchCustomer> => {
  const email = `bench-${runId}-${index}@example.com`;
  const registered = jsonOf<{ id: string }>(
    await client.request(`${gatewayUrl}/api/customers`, { method: 'POST', body: { name: `Bench ${index}`, email, password: PASSWORD } }),
    'register a customer',
    [201],
  );
  const { accessToken } = jsonOf<{ accessToken: string }>(
    await client.request(`${gatewayUrl}/api/auth/token`, { method: 'POST', body: { email, password: PASSWORD } }),
    'log in',
  );
  jsonOf(
    await client.request(`${gatewayUrl}/api/accounts/me/deposits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'idempotency-key': `bench-funds-${index}` },
      body: { amount: DEPOSIT_AMOUNT },
    }),
    'deposit funds',
    [201],
  );
  return { id: registered.id, token: accessToken };
};

export const prepareCustomers = (client: HttpClient, gatewayUrl: string, count: number): Promise<BenchCustomer[]> => {
  const runId = randomBytes(4).toString('hex');
  return mapConcurrently(
    Array.from({ length: count }, (_, i) => i),
    PREPARE_PARALLELISM,
    (index) => prepareOne(client, gatewayUrl, runId, index),
  );
};

export const fetchMenu = async (client: HttpClient, gatewayUrl: string): Promise<MenuItem[]> => {
  const { items } = jsonOf<{ items: MenuItem[] }>(await client.request(`${gatewayUrl}/api/menu`), 'read the menu');
  if (!items.some((item) => item.kind === 'food') || !items.some((item) => item.kind === 'drink'))
    throw new Error('the menu has no food or no drink');
  return items;
};

export const adminToken = async (client: HttpClient, gatewayUrl: string, email: string, password: string): Promise<string> =>
  jsonOf<{ accessToken: string }>(
    await client.request(`${gatewayUrl}/api/auth/token`, { method: 'POST', body: { email, password } }),
    'log in as the admin',
  ).accessToken;
