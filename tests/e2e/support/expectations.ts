import { expect } from 'vitest';
import type { Account, ApiResponse, Customer, LedgerEntry, MenuItem, Problem } from './api-client.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO-8601 in UTC, as docs/api.md requires (`…Z`). */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/** What a response was, for assertion messages: the request, the status and the body. */
export const describeResponse = (response: ApiResponse): string =>
  `${response.method} ${response.path} -> ${response.status} ${response.headers.get('content-type') ?? '(no content-type)'} ${response.text.slice(0, 600)}`;

export const expectStatus = (response: ApiResponse, status: number): void => {
  expect(response.status, describeResponse(response)).toBe(status);
};

/** An RFC 9457 problem with the contract's fields, the given status and (optionally) code. */
export const expectProblem = (response: ApiResponse, status: number, code?: string): Problem => {
  const what = describeResponse(response);
  expect(response.status, what).toBe(status);
  expect(response.headers.get('content-type') ?? '', what).toMatch(/^application\/problem\+json\b/);
  const problem = response.body as Problem;
  expect(problem, what).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code: expect.stringMatching(UPPER_SNAKE),
  });
  if (code !== undefined) expect(problem.code, what).toBe(code);
  if (problem.errors !== undefined) {
    expect(Array.isArray(problem.errors), what).toBe(true);
    for (const error of problem.errors) expect(error, what).toMatchObject({ path: expect.any(String), message: expect.any(String) });
  }
  return problem;
};

/** A 4xx problem of any status (bad input must never be a 5xx, and never a success). */
export const expectClientProblem = (response: ApiResponse, allowed: readonly number[]): Problem => {
  const what = describeResponse(response);
  expect(response.status, what).toBeLessThan(500);
  expect(allowed, what).toContain(response.status);
  return expectProblem(response, response.status);
};

export const expectCustomerShape = (customer: Customer): void => {
  expect(customer).toEqual({
    id: expect.stringMatching(UUID),
    name: expect.any(String),
    email: expect.any(String),
    role: expect.stringMatching(/^(customer|admin)$/),
    createdAt: expect.stringMatching(ISO_UTC),
  });
};

export const expectMenuItemShape = (item: MenuItem): void => {
  expect(item).toEqual({
    id: expect.stringMatching(UUID),
    name: expect.any(String),
    kind: expect.stringMatching(/^(food|drink)$/),
    price: expect.any(Number),
    currency: 'JPY',
  });
  expect(Number.isSafeInteger(item.price) && item.price > 0, `price of ${item.name}`).toBe(true);
};

export const expectAccountShape = (account: Account): void => {
  expect(account).toEqual({
    customerId: expect.stringMatching(UUID),
    balance: expect.any(Number),
    currency: 'JPY',
    updatedAt: expect.stringMatching(ISO_UTC),
  });
  expect(Number.isSafeInteger(account.balance), 'balance is an integer').toBe(true);
};

export const expectLedgerEntryShape = (entry: LedgerEntry): void => {
  expect(entry).toMatchObject({
    id: expect.stringMatching(UUID),
    kind: expect.stringMatching(/^(DEPOSIT|DEBIT|REFUND)$/),
    amount: expect.any(Number),
    balanceAfter: expect.any(Number),
    createdAt: expect.stringMatching(ISO_UTC),
  });
  const allowed = new Set(['id', 'kind', 'amount', 'balanceAfter', 'orderId', 'createdAt']);
  expect(
    Object.keys(entry).filter((key) => !allowed.has(key)),
    'unexpected LedgerEntry fields',
  ).toEqual([]);
};

/** docs/api.md's money invariant for a customer with deposits only (no orders yet). */
export const expectLedgerMatchesBalance = (balance: number, entries: readonly LedgerEntry[]): void => {
  const sum = entries.reduce((total, entry) => total + (entry.kind === 'DEBIT' ? -entry.amount : entry.amount), 0);
  expect(balance, `balance vs sum of the ledger ${JSON.stringify(entries)}`).toBe(sum);
  expect(balance).toBeGreaterThanOrEqual(0);
};
