import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse, MenuItem, Saga } from './support/api-client.js';
import { aCustomer, anIdempotencyKey } from './support/builders.js';
import { describeResponse, expectStatus } from './support/expectations.js';
import {
  adminToken,
  expectMoneyInvariants,
  expectSagaShape,
  waitForQuietSagas,
  waitForTerminalSagas,
  type CustomerSession,
} from './support/sagas.js';
import { useSystemPerSuite } from './support/system-per-suite.js';

/**
 * One customer, money for exactly 50 checkouts, 200 concurrent checkouts: exactly 50 complete, 150 abort with
 * INSUFFICIENT_FUNDS, the balance ends at 0 and never goes below it (docs/api.md: money invariants; rate limits: one
 * client's burst of 200 concurrent checkouts is never throttled).
 */
describe('200 concurrent checkouts against money for 50', () => {
  const CHECKOUTS = 200;
  const AFFORDABLE = 50;
  const { current, api } = useSystemPerSuite();
  let admin: string;
  let item: MenuItem;
  let buyer: CustomerSession;
  let accepted: ApiResponse<Saga>[] = [];
  let terminal: Map<string, Saga>;

  beforeAll(async () => {
    admin = await adminToken(api);
    const menu = await api.menu();
    expectStatus(menu, 200);
    item = [...menu.body.items].sort((a, b) => a.price - b.price)[0] as MenuItem;
    buyer = await api.signUp(aCustomer());
    expectStatus(await api.deposit(buyer.token, AFFORDABLE * item.price, anIdempotencyKey()), 201);
  });

  const logs = (): string => current()?.tail(80) ?? '(no system)';

  it('when 200 checkouts of one item are sent at once without wait, then every one is answered 202 with its own saga', async () => {
    expect((await api.account(buyer.token)).body.balance).toBe(AFFORDABLE * item.price);
    const responses = await Promise.all(
      Array.from({ length: CHECKOUTS }, () =>
        api.checkoutItems(buyer.token, [{ menuItemId: item.id, quantity: 1 }], { timeoutMs: 120_000 }),
      ),
    );
    const byStatus: Record<number, number> = {};
    for (const response of responses) byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
    const notAccepted = responses.filter((response) => response.status !== 202);
    expect(
      notAccepted.length,
      `statuses ${JSON.stringify(byStatus)}; for example ${notAccepted.slice(0, 3).map(describeResponse).join('\n')}${byStatus[429] ? '\nRATE LIMITED: docs/api.md says 200 concurrent checkouts of one client are never throttled' : ''}\n${logs()}`,
    ).toBe(0);
    for (const response of responses) expectSagaShape(response.body, 'checkout');
    expect(new Set(responses.map((response) => response.body.sagaId)).size).toBe(CHECKOUTS);
    expect(new Set(responses.map((response) => response.body.orderId)).size).toBe(CHECKOUTS);
    accepted = responses;
  }, 180_000);

  it('then every saga becomes terminal: exactly 50 COMPLETED and 150 ABORTED with INSUFFICIENT_FUNDS', async () => {
    expect(accepted).toHaveLength(CHECKOUTS);
    terminal = await waitForTerminalSagas(
      api,
      accepted.map((response) => ({ sagaId: response.body.sagaId, token: buyer.token })),
      { timeoutMs: 120_000, perTokenBatch: 25, context: logs },
    );
    const sagas = [...terminal.values()];
    const outcomes: Record<string, number> = {};
    for (const saga of sagas) {
      const outcome = saga.reason === undefined ? saga.status : `${saga.status} ${saga.reason}`;
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    expect(outcomes, logs()).toEqual({ COMPLETED: AFFORDABLE, 'ABORTED INSUFFICIENT_FUNDS': CHECKOUTS - AFFORDABLE });
    for (const saga of sagas.filter((entry) => entry.status === 'COMPLETED')) {
      expect(
        saga.steps.map((step) => step.status),
        JSON.stringify(saga),
      ).toEqual(saga.steps.map(() => 'DONE'));
    }
  }, 180_000);

  it('then the balance is 0, the ledger has 50 DEBITs of the item price, and there are 50 APPROVED and 150 REJECTED orders', async () => {
    const account = await api.account(buyer.token);
    expectStatus(account, 200);
    expect(account.body.balance).toBe(0);
    const ledger = await api.allEntries(buyer.token);
    const debits = ledger.filter((entry) => entry.kind === 'DEBIT');
    expect(debits).toHaveLength(AFFORDABLE);
    expect(
      debits.every((entry) => entry.amount === item.price && entry.balanceAfter >= 0),
      JSON.stringify(debits.slice(0, 5)),
    ).toBe(true);
    expect(ledger.filter((entry) => entry.kind === 'REFUND')).toEqual([]);
    const orders = await api.allOrders(buyer.token);
    expect(orders).toHaveLength(CHECKOUTS);
    const approved = orders.filter((order) => order.status === 'APPROVED');
    const rejected = orders.filter((order) => order.status === 'REJECTED');
    expect({ approved: approved.length, rejected: rejected.length }).toEqual({ approved: AFFORDABLE, rejected: CHECKOUTS - AFFORDABLE });
    expect(
      rejected.every((order) => order.reason === 'INSUFFICIENT_FUNDS'),
      JSON.stringify(rejected.filter((order) => order.reason !== 'INSUFFICIENT_FUNDS').slice(0, 3)),
    ).toBe(true);
    // The debited orders are exactly the approved ones, and exactly the orders of the COMPLETED sagas.
    const completedOrders = [...terminal.values()].filter((saga) => saga.status === 'COMPLETED').map((saga) => saga.orderId);
    expect(new Set(debits.map((entry) => entry.orderId))).toEqual(new Set(approved.map((order) => order.id)));
    expect(new Set(completedOrders)).toEqual(new Set(approved.map((order) => order.id)));
  });

  it('then the money invariants hold and no saga is left in flight', async () => {
    await waitForQuietSagas(api, admin, { timeoutMs: 30_000, context: logs });
    await expectMoneyInvariants(api, [buyer], { adminToken: admin, context: logs });
    const pending = await api.allOrders(admin, { status: 'PENDING' });
    expect(pending, JSON.stringify(pending.slice(0, 3))).toEqual([]);
  });
});
