import { expect } from 'vitest';
import { isTerminalSaga, type ApiClient, type ApiResponse, type LedgerEntry, type MenuItem, type Order, type Saga } from './api-client.js';
import { E2E_ADMIN } from './builders.js';
import { describeResponse, ISO_UTC, UUID } from './expectations.js';
import { eventually } from './wait.js';

/**
 * Checkout sagas and the money invariants of docs/api.md, as a client can observe them through the gateway.
 */

/** A customer the tests act as: who they are and a token for them. */
export interface CustomerSession {
  readonly customer: { readonly id: string };
  readonly token: string;
}

/** A saga a test started, and a token that may read it (its owner's, or an admin's). */
export interface TrackedSaga {
  readonly sagaId: string;
  readonly token: string;
}

export const SAGA_STATUS = /^(RUNNING|COMPENSATING|COMPLETED|ABORTED)$/;
const STEP_STATUS = /^(PENDING|RUNNING|DONE|FAILED|COMPENSATED)$/;

/** Logs in as the launcher's development admin; throws with the answer if that fails. */
export const adminToken = async (client: ApiClient): Promise<string> => {
  const login = await client.login(E2E_ADMIN.email, E2E_ADMIN.password);
  if (login.status !== 200) throw new Error(`the development admin could not log in: ${login.status} ${login.text}`);
  return login.body.accessToken;
};

/** A `Saga` with the contract's fields (extra fields are allowed: docs/api.md lets services add fields). */
export const expectSagaShape = (saga: Saga, type?: Saga['type']): void => {
  const what = `saga ${JSON.stringify(saga)}`;
  expect(saga, what).toMatchObject({
    sagaId: expect.stringMatching(UUID),
    type: type ?? expect.stringMatching(/^(checkout|cancel-order)$/),
    orderId: expect.stringMatching(UUID),
    status: expect.stringMatching(SAGA_STATUS),
    steps: expect.any(Array),
    createdAt: expect.stringMatching(ISO_UTC),
    updatedAt: expect.stringMatching(ISO_UTC),
  });
  // One entry per step of the definition: at least create/debit/approve, or begin/refund/confirm.
  expect(saga.steps.length, what).toBeGreaterThanOrEqual(3);
  for (const step of saga.steps) {
    expect(step, what).toMatchObject({
      name: expect.any(String),
      status: expect.stringMatching(STEP_STATUS),
      at: expect.stringMatching(ISO_UTC),
    });
  }
  if (saga.status === 'ABORTED') expect(saga.reason, `an ABORTED saga carries a reason: ${what}`).toMatch(/^[A-Z][A-Z0-9_]*$/);
};

export interface WaitForSagasOptions {
  /** The overall bound. Default 60 s. */
  readonly timeoutMs?: number;
  /** At most this many GETs per token per round, so polling never nears the per-client rate limit. Default 20. */
  readonly perTokenBatch?: number;
  /** Pause between rounds. Default 500 ms. */
  readonly intervalMs?: number;
  /** Extra context for the failure message (e.g. the launcher's last lines). */
  readonly context?: () => string;
  /** Per-request timeout. Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Filled with every saga as it becomes terminal, so a caller still has them when the wait fails. */
  readonly results?: Map<string, Saga>;
}

/**
 * Polls `GET /api/checkout/{sagaId}` until every saga is COMPLETED or ABORTED and returns the terminal sagas by id.
 * A terminal saga is never asked again; each round asks at most `perTokenBatch` sagas per token. Errors (a 5xx during
 * an outage, a refused connection) count as "not yet". Fails with the sagas that never became terminal.
 */
export const waitForTerminalSagas = async (
  client: ApiClient,
  sagas: readonly TrackedSaga[],
  options: WaitForSagasOptions = {},
): Promise<Map<string, Saga>> => {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const perTokenBatch = options.perTokenBatch ?? 20;
  const terminal = options.results ?? new Map<string, Saga>();
  const lastSeen = new Map<string, string>();
  const pending = new Map(sagas.filter((saga) => !terminal.has(saga.sagaId)).map((saga) => [saga.sagaId, saga] as const));
  const round = async (): Promise<boolean> => {
    const byToken = new Map<string, TrackedSaga[]>();
    for (const saga of pending.values()) {
      const batch = byToken.get(saga.token) ?? [];
      if (batch.length < perTokenBatch) batch.push(saga);
      byToken.set(saga.token, batch);
    }
    await Promise.all(
      [...byToken.values()].flat().map(async ({ sagaId, token }) => {
        try {
          const response = await client.saga(token, sagaId, { timeoutMs: options.requestTimeoutMs ?? 10_000 });
          if (response.status === 200 && isTerminalSaga(response.body)) {
            terminal.set(sagaId, response.body);
            pending.delete(sagaId);
          } else {
            lastSeen.set(
              sagaId,
              response.status === 200
                ? `${response.body.status} ${JSON.stringify(response.body.steps)}`
                : `${response.status} ${response.text.slice(0, 200)}`,
            );
          }
        } catch (error) {
          lastSeen.set(sagaId, `request failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
    return pending.size === 0;
  };
  await eventually(async () => ((await round()) ? true : undefined), {
    what: `${sagas.length} sagas to be COMPLETED or ABORTED`,
    timeoutMs,
    intervalMs: options.intervalMs ?? 500,
    context: () => {
      const stuck = [...pending.keys()];
      const sample = stuck.slice(0, 15).map((id) => `  ${id}: ${lastSeen.get(id) ?? 'not asked yet'}`);
      return `${stuck.length} of ${sagas.length} not terminal; for example:\n${sample.join('\n')}${options.context ? `\n${options.context()}` : ''}`;
    },
  });
  return terminal;
};

/** One saga until it is terminal. */
export const waitForTerminalSaga = async (
  client: ApiClient,
  token: string,
  sagaId: string,
  options: WaitForSagasOptions = {},
): Promise<Saga> => {
  const done = await waitForTerminalSagas(client, [{ sagaId, token }], { intervalMs: 200, ...options });
  const saga = done.get(sagaId);
  if (!saga) throw new Error(`saga ${sagaId} vanished from the results`);
  return saga;
};

/**
 * The terminal saga behind a `?wait` answer: the body of a 200, or after a 202 (on a loaded CI machine with replicas a
 * saga can outlast the wait) the saga polled by its id. The strict `?wait` contract has tests of its own.
 */
export const terminalSagaOf = async (
  client: ApiClient,
  token: string,
  response: ApiResponse<Saga>,
  options: WaitForSagasOptions = {},
): Promise<Saga> => {
  expect([200, 202], `${describeResponse(response)}${options.context ? `\n${options.context()}` : ''}`).toContain(response.status);
  return response.status === 200
    ? response.body
    : waitForTerminalSaga(client, token, response.body.sagaId, { timeoutMs: 90_000, ...options });
};

/** Asks the admin listing until nothing is RUNNING or COMPENSATING any more (a quiet moment, docs/api.md). */
export const waitForQuietSagas = async (
  client: ApiClient,
  token: string,
  options: { timeoutMs?: number; context?: () => string } = {},
): Promise<void> => {
  let last = '';
  await eventually(
    async () => {
      const [running, compensating] = await Promise.all([
        client.adminSagas(token, { status: 'RUNNING', limit: 5 }),
        client.adminSagas(token, { status: 'COMPENSATING', limit: 5 }),
      ]);
      if (running.status !== 200 || compensating.status !== 200)
        throw new Error(`admin saga listing answered ${running.status}/${compensating.status}: ${running.text.slice(0, 200)}`);
      last = JSON.stringify(
        [...running.body.items, ...compensating.body.items].map((saga) => [saga.sagaId, saga.type, saga.status, saga.steps]),
      );
      return running.body.items.length === 0 && compensating.body.items.length === 0 ? true : undefined;
    },
    {
      what: 'no saga to be RUNNING or COMPENSATING',
      timeoutMs: options.timeoutMs ?? 60_000,
      context: () => `still in flight: ${last}${options.context ? `\n${options.context()}` : ''}`,
    },
  );
};

const sumOf = (entries: readonly LedgerEntry[], kind: LedgerEntry['kind']): number =>
  entries.filter((entry) => entry.kind === kind).reduce((total, entry) => total + entry.amount, 0);

/** Orders whose money is with the shop: the ones docs/api.md's third invariant sums. */
const HOLDS_MONEY = new Set<Order['status']>(['APPROVED', 'CANCEL_PENDING']);

export interface MoneyInvariantOptions {
  /** An admin token for `GET /api/orders` (all orders); logs in as the development admin when omitted. */
  readonly adminToken?: string;
  /** Extra context for every failure message (e.g. the launcher's last lines). */
  readonly context?: () => string;
}

export interface CustomerMoney {
  readonly customerId: string;
  readonly balance: number;
  readonly deposits: number;
  readonly debits: number;
  readonly refunds: number;
  readonly orders: readonly Order[];
  readonly ledger: readonly LedgerEntry[];
}

/**
 * docs/api.md's money invariants, for each customer, at a quiet moment (the caller makes sure no saga of theirs runs):
 * - balance == sum(DEPOSIT) - sum(DEBIT) + sum(REFUND), and balance >= 0;
 * - sum(DEBIT) - sum(REFUND) == sum(total of their orders APPROVED or CANCEL_PENDING);
 * and what follows from the checkout and cancellation rules, order by order: an order APPROVED or CANCEL_PENDING
 * has a net debit of exactly its total, any other order (REJECTED, CANCELLED) a net debit of 0; every DEBIT and
 * REFUND names an order of that customer; no order is PENDING. Orders come from the admin listing (all orders, paged).
 * Returns what it read, for further assertions and summaries.
 */
export const expectMoneyInvariants = async (
  client: ApiClient,
  customers: readonly CustomerSession[],
  options: MoneyInvariantOptions = {},
): Promise<CustomerMoney[]> => {
  const token = options.adminToken ?? (await adminToken(client));
  const allOrders = await client.allOrders(token);
  const context = (): string => (options.context ? `\n${options.context()}` : '');
  const results: CustomerMoney[] = [];
  for (const { customer, token: customerToken } of customers) {
    const account = await client.account(customerToken);
    expect(account.status, `GET /api/accounts/me for ${customer.id} -> ${account.status} ${account.text.slice(0, 300)}`).toBe(200);
    const ledger = await client.allEntries(customerToken);
    const orders = allOrders.filter((order) => order.customerId === customer.id);
    const balance = account.body.balance;
    const deposits = sumOf(ledger, 'DEPOSIT');
    const debits = sumOf(ledger, 'DEBIT');
    const refunds = sumOf(ledger, 'REFUND');
    const held = orders.filter((order) => HOLDS_MONEY.has(order.status)).reduce((total, order) => total + order.total, 0);
    const byStatus: Record<string, number> = {};
    for (const order of orders) byStatus[order.status] = (byStatus[order.status] ?? 0) + 1;
    const summary = `customer ${customer.id}: balance ${balance}, deposits ${deposits}, debits ${debits}, refunds ${refunds}, held by APPROVED/CANCEL_PENDING orders ${held}, orders ${JSON.stringify(byStatus)}, ledger entries ${ledger.length}`;

    expect(balance, `balance == deposits - debits + refunds\n${summary}${context()}`).toBe(deposits - debits + refunds);
    expect(balance, `balance >= 0\n${summary}${context()}`).toBeGreaterThanOrEqual(0);
    expect(debits - refunds, `debits - refunds == sum(total of APPROVED or CANCEL_PENDING orders)\n${summary}${context()}`).toBe(held);

    const net = new Map<string, number>();
    const problems: string[] = [];
    for (const entry of ledger) {
      if (entry.kind === 'DEPOSIT') continue;
      if (entry.orderId === undefined) {
        problems.push(`${entry.kind} ${entry.id} of ${entry.amount} names no order`);
        continue;
      }
      net.set(entry.orderId, (net.get(entry.orderId) ?? 0) + (entry.kind === 'DEBIT' ? entry.amount : -entry.amount));
    }
    const known = new Set(orders.map((order) => order.id));
    for (const [orderId, amount] of net)
      if (!known.has(orderId)) problems.push(`the ledger moves ${amount} for order ${orderId}, which is not an order of this customer`);
    for (const order of orders) {
      const expected = HOLDS_MONEY.has(order.status) ? order.total : 0;
      const actual = net.get(order.id) ?? 0;
      if (actual !== expected)
        problems.push(`order ${order.id} is ${order.status} (total ${order.total}) but its net debit is ${actual}, expected ${expected}`);
      if (order.status === 'PENDING') problems.push(`order ${order.id} is still PENDING at a quiet moment (created ${order.createdAt})`);
    }
    expect(problems, `per-order money of ${summary}${context()}`).toEqual([]);
    results.push({ customerId: customer.id, balance, deposits, debits, refunds, orders, ledger });
  }
  return results;
};

/** The menu split by kind, for building orders; throws unless the seeded menu has both foods and drinks. */
export const menuByKind = (items: readonly MenuItem[]): { foods: MenuItem[]; drinks: MenuItem[] } => {
  const foods = items.filter((item) => item.kind === 'food');
  const drinks = items.filter((item) => item.kind === 'drink');
  if (foods.length === 0 || drinks.length === 0) throw new Error(`the menu needs foods and drinks: ${JSON.stringify(items)}`);
  return { foods, drinks };
};

/** Runs `work` over `items` with at most `concurrency` in flight; results in input order. */
export const mapConcurrently = async <T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next;
      next += 1;
      if (index >= items.length) return;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
};
