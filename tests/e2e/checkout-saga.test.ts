import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse, CheckoutLine, LedgerEntry, MenuItem, Order, Saga } from './support/api-client.js';
import { aCustomer, anIdempotencyKey } from './support/builders.js';
import { describeResponse, expectProblem, expectStatus } from './support/expectations.js';
import {
  adminToken,
  expectMoneyInvariants,
  expectSagaShape,
  menuByKind,
  terminalSagaOf,
  waitForQuietSagas,
  waitForTerminalSaga,
  type CustomerSession,
} from './support/sagas.js';
import { useSystemPerSuite } from './support/system-per-suite.js';

/**
 * The checkout and cancel-order sagas (docs/api.md: Saga, checkout, cancellation, money invariants), seen only
 * through the gateway: outcomes, orders, balances and ledgers, idempotency, validation, visibility and the admin list.
 */
describe('checkout and cancellation sagas through the gateway', () => {
  const { running, api } = useSystemPerSuite();
  let admin: string;
  let menu: MenuItem[];
  let food: MenuItem;
  let drink: MenuItem;
  let cheapest: MenuItem;
  /** Every customer of this file, for the final money invariants. */
  const sessions: CustomerSession[] = [];
  /** Funded; checks out and cancels. */
  let alice: CustomerSession;
  /** Has less than the cheapest item costs. */
  let bob: CustomerSession;
  /** Funded; the "other customer". */
  let carol: CustomerSession;
  /** Never funded. */
  let dave: CustomerSession;

  const ALICE_DEPOSIT = 50_000;
  const CAROL_DEPOSIT = 20_000;

  beforeAll(async () => {
    admin = await adminToken(api);
    const menuResponse = await api.menu();
    expectStatus(menuResponse, 200);
    menu = menuResponse.body.items;
    const { foods, drinks } = menuByKind(menu);
    food = foods[0] as MenuItem;
    drink = drinks[0] as MenuItem;
    cheapest = [...menu].sort((a, b) => a.price - b.price)[0] as MenuItem;
    const signUp = async (deposit: number): Promise<CustomerSession> => {
      const session = await api.signUp(aCustomer());
      if (deposit > 0) expectStatus(await api.deposit(session.token, deposit, anIdempotencyKey()), 201);
      sessions.push(session);
      return session;
    };
    alice = await signUp(ALICE_DEPOSIT);
    bob = await signUp(cheapest.price - 1);
    carol = await signUp(CAROL_DEPOSIT);
    dave = await signUp(0);
  });
  const logs = (): string => running().tail(60);

  /** The saga as its owner reads it at /api/checkout/{sagaId}: 200 and exactly `saga`. */
  const expectOwnerReads = async (session: CustomerSession, saga: Saga): Promise<void> => {
    const response = await api.saga(session.token, saga.sagaId);
    expectStatus(response, 200);
    expect(response.body).toEqual(saga);
  };

  const balanceOf = async (session: CustomerSession): Promise<number> => {
    const account = await api.account(session.token);
    expectStatus(account, 200);
    return account.body.balance;
  };
  const ledgerFor = async (session: CustomerSession, orderId: string): Promise<LedgerEntry[]> =>
    (await api.allEntries(session.token)).filter((entry) => entry.orderId === orderId);
  const totalOf = (lines: readonly CheckoutLine[]): number =>
    lines.reduce((total, line) => total + line.quantity * (menu.find((item) => item.id === line.menuItemId)?.price ?? Number.NaN), 0);

  /**
   * A checkout with ?wait=30, then its terminal saga. On a loaded CI machine with replicas a saga can outlast the
   * wait; the 202 is then followed by polling. The strict ?wait contract has a test of its own.
   */
  const checkoutAndWait = async (session: CustomerSession, lines: readonly CheckoutLine[]): Promise<Saga> => {
    const response = await api.checkoutItems(session.token, lines, { wait: 30 });
    return terminalSagaFor(session, response, 'checkout');
  };

  const terminalSagaFor = async (session: CustomerSession, response: ApiResponse<Saga>, type: Saga['type']): Promise<Saga> => {
    const saga = await terminalSagaOf(api, session.token, response, { context: logs });
    expectSagaShape(saga, type);
    return saga;
  };

  /** `Location` resolves, against the gateway, to `/api/checkout/{sagaId}`. */
  const expectSagaLocation = (response: ApiResponse<Saga>): string => {
    const location = response.headers.get('location');
    expect(location, `a Location header on ${describeResponse(response)}`).not.toBeNull();
    const resolved = new URL(location ?? '', running().gatewayUrl);
    expect(resolved.href, `Location ${location}`).toBe(`${running().gatewayUrl}/api/checkout/${response.body.sagaId}`);
    expect(location, 'Location as docs/api.md writes it').toBe(`/api/checkout/${response.body.sagaId}`);
    return location ?? '';
  };

  const expectCompleted = (saga: Saga, type: Saga['type']): void => {
    const what = `${JSON.stringify(saga)}\n${logs()}`;
    expect(saga.type, what).toBe(type);
    expect(saga.status, what).toBe('COMPLETED');
    expect(saga.reason, what).toBeUndefined();
    expect(saga.steps.length, what).toBeGreaterThanOrEqual(3);
    expect(
      saga.steps.map((step) => step.status),
      what,
    ).toEqual(saga.steps.map(() => 'DONE'));
  };

  const expectAborted = (saga: Saga, reason: string): void => {
    const what = `${JSON.stringify(saga)}\n${logs()}`;
    expect(saga.type, what).toBe('checkout');
    expect(saga.status, what).toBe('ABORTED');
    expect(saga.reason, what).toBe(reason);
  };

  const sagaCount = async (): Promise<number> => (await api.allAdminSagas(admin)).length;

  describe('a checkout that completes', () => {
    let lines: CheckoutLine[];
    let balanceBefore: number;
    let saga: Saga;

    it('when a funded customer checks out, then the checkout saga is COMPLETED, every step DONE', async () => {
      lines = [
        { menuItemId: food.id, quantity: 2 },
        { menuItemId: drink.id, quantity: 1 },
      ];
      balanceBefore = await balanceOf(alice);
      expect(balanceBefore).toBe(ALICE_DEPOSIT);
      saga = await checkoutAndWait(alice, lines);
      expectCompleted(saga, 'checkout');
    });

    it('then the order is APPROVED, priced at the menu prices, with its total', async () => {
      const response = await api.order(alice.token, saga.orderId);
      expectStatus(response, 200);
      const order = response.body;
      expect(order).toMatchObject({
        id: saga.orderId,
        customerId: alice.customer.id,
        status: 'APPROVED',
        currency: 'JPY',
        total: totalOf(lines),
      });
      expect(order.reason, JSON.stringify(order)).toBeUndefined();
      const expectedItems = lines.map((line) => {
        const item = menu.find((entry) => entry.id === line.menuItemId) as MenuItem;
        return {
          menuItemId: item.id,
          name: item.name,
          quantity: line.quantity,
          unitPrice: item.price,
          subtotal: item.price * line.quantity,
        };
      });
      const byId = (a: { menuItemId: string }, b: { menuItemId: string }): number => a.menuItemId.localeCompare(b.menuItemId);
      expect([...order.items].sort(byId)).toEqual(expectedItems.sort(byId));
      expect(order.total).toBe(2 * food.price + drink.price);
    });

    it('then the balance is down by exactly the total and the ledger has one DEBIT of the total for that order', async () => {
      const total = totalOf(lines);
      expect(await balanceOf(alice)).toBe(balanceBefore - total);
      const entries = await ledgerFor(alice, saga.orderId);
      expect(entries, JSON.stringify(entries)).toHaveLength(1);
      expect(entries[0]).toMatchObject({ kind: 'DEBIT', amount: total, orderId: saga.orderId, balanceAfter: balanceBefore - total });
    });

    it('when the owner reads the saga, then it is the same COMPLETED saga', async () => {
      await expectOwnerReads(alice, saga);
    });

    it('when a checkout is sent without wait, then the answer is 202 with Location /api/checkout/{sagaId}, and following it reaches COMPLETED', async () => {
      const before = await balanceOf(alice);
      const response = await api.checkoutItems(alice.token, [{ menuItemId: drink.id, quantity: 3 }]);
      expect(response.status, `${describeResponse(response)}\n${logs()}`).toBe(202);
      expectSagaShape(response.body, 'checkout');
      const location = expectSagaLocation(response);
      const followed = await api.get<Saga>(location, { token: alice.token });
      expectStatus(followed, 200);
      expect(followed.body.sagaId).toBe(response.body.sagaId);
      expect(followed.body.orderId).toBe(response.body.orderId);
      const done = await waitForTerminalSaga(api, alice.token, response.body.sagaId, { timeoutMs: 60_000, context: logs });
      expectCompleted(done, 'checkout');
      expect(done.orderId).toBe(response.body.orderId);
      expect(await balanceOf(alice)).toBe(before - 3 * drink.price);
      expect((await api.order(alice.token, done.orderId)).body).toMatchObject({ status: 'APPROVED', total: 3 * drink.price });
    });

    it('when a checkout is sent with ?wait=0, then it is answered at once with 202 and a Location, as without wait', async () => {
      const response = await api.checkoutItems(alice.token, [{ menuItemId: food.id, quantity: 1 }], { wait: 0 });
      expect(response.status, `${describeResponse(response)}\n${logs()}`).toBe(202);
      expectSagaShape(response.body, 'checkout');
      expectSagaLocation(response);
      expectCompleted(await waitForTerminalSaga(api, alice.token, response.body.sagaId, { context: logs }), 'checkout');
    });

    it('when a checkout is sent with ?wait=30, then the answer is 200 with the terminal saga', async () => {
      const response = await api.checkoutItems(alice.token, [{ menuItemId: drink.id, quantity: 1 }], { wait: 30 });
      expect(response.status, `${describeResponse(response)}\n${logs()}`).toBe(200);
      expectCompleted(response.body, 'checkout');
    });
  });

  describe('checkouts that abort', () => {
    it('when the customer cannot pay, then the saga is ABORTED with INSUFFICIENT_FUNDS, the order REJECTED with that reason, and no money moved', async () => {
      const before = await balanceOf(bob);
      expect(before).toBe(cheapest.price - 1);
      const saga = await checkoutAndWait(bob, [{ menuItemId: cheapest.id, quantity: 1 }]);
      expectAborted(saga, 'INSUFFICIENT_FUNDS');
      const order = await api.order(bob.token, saga.orderId);
      expectStatus(order, 200);
      expect(order.body).toMatchObject({
        id: saga.orderId,
        customerId: bob.customer.id,
        status: 'REJECTED',
        reason: 'INSUFFICIENT_FUNDS',
        total: cheapest.price,
      });
      expect(await balanceOf(bob)).toBe(before);
      const ledger = await api.allEntries(bob.token);
      expect(
        ledger.filter((entry) => entry.kind !== 'DEPOSIT'),
        JSON.stringify(ledger),
      ).toEqual([]);
    });

    it('when a menu item does not exist, then the saga is ABORTED with UNKNOWN_MENU_ITEM and there is no order (404)', async () => {
      const before = await balanceOf(carol);
      const saga = await checkoutAndWait(carol, [{ menuItemId: randomUUID(), quantity: 1 }]);
      expectAborted(saga, 'UNKNOWN_MENU_ITEM');
      expectProblem(await api.order(carol.token, saga.orderId), 404, 'NOT_FOUND');
      expectProblem(await api.order(admin, saga.orderId), 404, 'NOT_FOUND');
      expect(await balanceOf(carol)).toBe(before);
      expect(await ledgerFor(carol, saga.orderId)).toEqual([]);
    });

    it('when one of several items does not exist, then the whole checkout is ABORTED with UNKNOWN_MENU_ITEM, with no order and no debit', async () => {
      const before = await balanceOf(carol);
      const saga = await checkoutAndWait(carol, [
        { menuItemId: food.id, quantity: 1 },
        { menuItemId: randomUUID(), quantity: 2 },
      ]);
      expectAborted(saga, 'UNKNOWN_MENU_ITEM');
      expectProblem(await api.order(carol.token, saga.orderId), 404, 'NOT_FOUND');
      expect(await balanceOf(carol)).toBe(before);
    });

    it('when an unfunded customer checks out 20 lines (menu items repeated) with quantity 100, then the shape is accepted and the saga ends ABORTED with INSUFFICIENT_FUNDS', async () => {
      const lines = Array.from({ length: 20 }, (_, i) => ({
        menuItemId: (menu[i % menu.length] as MenuItem).id,
        quantity: i === 0 ? 100 : 1,
      }));
      const saga = await checkoutAndWait(dave, lines);
      expectAborted(saga, 'INSUFFICIENT_FUNDS');
      const order = await api.order(dave.token, saga.orderId);
      expectStatus(order, 200);
      expect(order.body).toMatchObject({ status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS', total: totalOf(lines) });
      expect(await balanceOf(dave)).toBe(0);
    });
  });

  describe('cancellation', () => {
    let approved: Saga;
    let approvedTotal: number;
    let balanceBeforeCheckout: number;
    let cancelSaga: Saga;

    it('when the owner cancels an APPROVED order, then a cancel-order saga for that order is COMPLETED', async () => {
      balanceBeforeCheckout = await balanceOf(alice);
      const lines = [{ menuItemId: food.id, quantity: 1 }];
      approvedTotal = totalOf(lines);
      approved = await checkoutAndWait(alice, lines);
      expectCompleted(approved, 'checkout');
      expect(await balanceOf(alice)).toBe(balanceBeforeCheckout - approvedTotal);
      const response = await api.cancelOrder(alice.token, approved.orderId, { wait: 30 });
      cancelSaga = await terminalSagaFor(alice, response, 'cancel-order');
      expectCompleted(cancelSaga, 'cancel-order');
      expect(cancelSaga.orderId).toBe(approved.orderId);
      expect(cancelSaga.sagaId).not.toBe(approved.sagaId);
    });

    it('then the order is CANCELLED, the balance is what it was before the checkout, and the ledger has one REFUND of exactly the total', async () => {
      const order = await api.order(alice.token, approved.orderId);
      expectStatus(order, 200);
      expect(order.body).toMatchObject({ status: 'CANCELLED', total: approvedTotal });
      expect(await balanceOf(alice)).toBe(balanceBeforeCheckout);
      const entries = await ledgerFor(alice, approved.orderId);
      expect(
        entries.filter((entry) => entry.kind === 'DEBIT').map((entry) => entry.amount),
        JSON.stringify(entries),
      ).toEqual([approvedTotal]);
      expect(
        entries.filter((entry) => entry.kind === 'REFUND').map((entry) => entry.amount),
        JSON.stringify(entries),
      ).toEqual([approvedTotal]);
    });

    it('when the cancel-order saga is read at /api/checkout/{sagaId}, then it is the COMPLETED cancel-order saga', async () => {
      await expectOwnerReads(alice, cancelSaga);
    });

    it('when the CANCELLED order is cancelled again, then the answer is 409 ORDER_NOT_CANCELLABLE and no money moves', async () => {
      const before = await balanceOf(alice);
      expectProblem(await api.cancelOrder(alice.token, approved.orderId, { wait: 10 }), 409, 'ORDER_NOT_CANCELLABLE');
      expectProblem(await api.cancelOrder(alice.token, approved.orderId), 409, 'ORDER_NOT_CANCELLABLE');
      expect(await balanceOf(alice)).toBe(before);
      expect((await ledgerFor(alice, approved.orderId)).filter((entry) => entry.kind === 'REFUND')).toHaveLength(1);
    });

    it('when a cancel is sent without wait, then the answer is 202 with a cancel-order saga and Location /api/checkout/{sagaId}, and it reaches COMPLETED', async () => {
      const before = await balanceOf(alice);
      const checkout = await checkoutAndWait(alice, [{ menuItemId: drink.id, quantity: 2 }]);
      expectCompleted(checkout, 'checkout');
      const response = await api.cancelOrder(alice.token, checkout.orderId);
      expect(response.status, `${describeResponse(response)}\n${logs()}`).toBe(202);
      expectSagaShape(response.body, 'cancel-order');
      expect(response.body.orderId).toBe(checkout.orderId);
      const location = expectSagaLocation(response);
      const followed = await api.get<Saga>(location, { token: alice.token });
      expectStatus(followed, 200);
      expect(followed.body).toMatchObject({ sagaId: response.body.sagaId, type: 'cancel-order', orderId: checkout.orderId });
      expectCompleted(await waitForTerminalSaga(api, alice.token, response.body.sagaId, { context: logs }), 'cancel-order');
      expect((await api.order(alice.token, checkout.orderId)).body.status).toBe('CANCELLED');
      expect(await balanceOf(alice)).toBe(before);
    });

    it('when a REJECTED order is cancelled, then the answer is 409 ORDER_NOT_CANCELLABLE', async () => {
      const rejected = (await api.allOrders(bob.token)).find((order) => order.status === 'REJECTED');
      expect(rejected, 'bob has a REJECTED order from the INSUFFICIENT_FUNDS test').toBeDefined();
      expectProblem(await api.cancelOrder(bob.token, (rejected as Order).id, { wait: 10 }), 409, 'ORDER_NOT_CANCELLABLE');
      expect((await api.order(bob.token, (rejected as Order).id)).body.status).toBe('REJECTED');
    });

    it("when a customer cancels another customer's APPROVED order, then the answer is 404 and the order stays APPROVED", async () => {
      const before = await balanceOf(alice);
      const checkout = await checkoutAndWait(alice, [{ menuItemId: food.id, quantity: 1 }]);
      expectCompleted(checkout, 'checkout');
      expectProblem(await api.cancelOrder(carol.token, checkout.orderId, { wait: 10 }), 404, 'NOT_FOUND');
      expectProblem(await api.cancelOrder(carol.token, checkout.orderId), 404, 'NOT_FOUND');
      expect((await api.order(alice.token, checkout.orderId)).body.status).toBe('APPROVED');
      expect(await balanceOf(alice)).toBe(before - food.price);
    });

    it('when an order id that does not exist is cancelled, then the answer is 404', async () => {
      expectProblem(await api.cancelOrder(alice.token, randomUUID(), { wait: 10 }), 404, 'NOT_FOUND');
      expectProblem(await api.cancelOrder(alice.token, randomUUID()), 404, 'NOT_FOUND');
    });

    it('when a cancel carries a bad wait or a malformed order id, then the answer is 400', async () => {
      expectProblem(await api.cancelOrder(alice.token, approved.orderId, { wait: 31 }), 400, 'VALIDATION_FAILED');
      expectProblem(await api.cancelOrder(alice.token, approved.orderId, { wait: -1 }), 400, 'VALIDATION_FAILED');
      expectProblem(await api.cancelOrder(alice.token, 'not-a-uuid'), 400, 'VALIDATION_FAILED');
    });

    it('when nobody is logged in, then a cancel is 401', async () => {
      expectProblem(await api.post(`/api/orders/${approved.orderId}/cancel`), 401, 'UNAUTHENTICATED');
    });
  });

  describe('idempotent checkout', () => {
    const key = anIdempotencyKey();
    let lines: CheckoutLine[];
    let first: ApiResponse<Saga>;

    it('when the same Idempotency-Key and body are sent twice, then both answers carry the same saga', async () => {
      lines = [{ menuItemId: drink.id, quantity: 1 }];
      first = await api.checkoutItems(alice.token, lines, { idempotencyKey: key });
      expect(first.status, `${describeResponse(first)}\n${logs()}`).toBe(202);
      const replay = await api.checkoutItems(alice.token, lines, { idempotencyKey: key });
      expect(replay.status, describeResponse(replay)).toBe(first.status);
      expect(replay.body.sagaId).toBe(first.body.sagaId);
      expect(replay.body.orderId).toBe(first.body.orderId);
      expect(replay.body, 'a replay answers with the body of the original result').toEqual(first.body);
    });

    it('then the saga completes once: one saga for the order, one DEBIT of its total', async () => {
      const saga = await waitForTerminalSaga(api, alice.token, first.body.sagaId, { context: logs });
      expectCompleted(saga, 'checkout');
      const replay = await api.checkoutItems(alice.token, lines, { idempotencyKey: key });
      expect(replay.body.sagaId, describeResponse(replay)).toBe(first.body.sagaId);
      await waitForQuietSagas(api, admin, { context: logs });
      const entries = await ledgerFor(alice, first.body.orderId);
      expect(
        entries.map((entry) => [entry.kind, entry.amount]),
        JSON.stringify(entries),
      ).toEqual([['DEBIT', drink.price]]);
      const sagas = (await api.allAdminSagas(admin)).filter((entry) => entry.orderId === first.body.orderId);
      expect(sagas.map((entry) => entry.sagaId)).toEqual([first.body.sagaId]);
    });

    it('when the same key comes with another body, then the answer is 422 IDEMPOTENCY_KEY_REUSED and no saga starts', async () => {
      const before = await sagaCount();
      expectProblem(
        await api.checkoutItems(alice.token, [{ menuItemId: drink.id, quantity: 2 }], { idempotencyKey: key }),
        422,
        'IDEMPOTENCY_KEY_REUSED',
      );
      expectProblem(
        await api.checkoutItems(alice.token, [{ menuItemId: food.id, quantity: 1 }], { idempotencyKey: key, wait: 5 }),
        422,
        'IDEMPOTENCY_KEY_REUSED',
      );
      expect(await sagaCount()).toBe(before);
    });

    it('when another customer uses the same key and body, then they get a saga of their own (keys are per customer)', async () => {
      const response = await api.checkoutItems(carol.token, lines, { idempotencyKey: key });
      expect(response.status, describeResponse(response)).toBe(202);
      expect(response.body.sagaId).not.toBe(first.body.sagaId);
      expect(response.body.orderId).not.toBe(first.body.orderId);
      expectCompleted(await waitForTerminalSaga(api, carol.token, response.body.sagaId, { context: logs }), 'checkout');
    });

    it('when the same key is used for a deposit, then it is a deposit of its own (keys are per route)', async () => {
      const deposit = await api.deposit(alice.token, 1, key);
      expect(deposit.status, describeResponse(deposit)).toBe(201);
      expect(deposit.body.entry).toMatchObject({ kind: 'DEPOSIT', amount: 1 });
    });
  });

  describe('validation', () => {
    const validLine = (): CheckoutLine => ({ menuItemId: food.id, quantity: 1 });
    const badBodies: ReadonlyArray<readonly [string, () => unknown]> = [
      ['no items', () => ({ items: [] })],
      ['21 items', () => ({ items: Array.from({ length: 21 }, validLine) })],
      ['quantity 0', () => ({ items: [{ ...validLine(), quantity: 0 }] })],
      ['quantity 101', () => ({ items: [{ ...validLine(), quantity: 101 }] })],
      ['a negative quantity', () => ({ items: [{ ...validLine(), quantity: -1 }] })],
      ['a fractional quantity', () => ({ items: [{ ...validLine(), quantity: 1.5 }] })],
      ['a quantity as a string', () => ({ items: [{ ...validLine(), quantity: '1' }] })],
      ['a missing quantity', () => ({ items: [{ menuItemId: food.id }] })],
      ['an unknown top-level field', () => ({ items: [validLine()], coupon: 'FREE' })],
      ['an unknown field in an item', () => ({ items: [{ ...validLine(), price: 1 }] })],
      ['a menu id that is not a uuid', () => ({ items: [{ menuItemId: 'karaage', quantity: 1 }] })],
      ['a menu id that is a number', () => ({ items: [{ menuItemId: 42, quantity: 1 }] })],
      ['no items field', () => ({})],
      ['items that is not an array', () => ({ items: validLine() })],
      ['an item that is null', () => ({ items: [null] })],
    ];

    it.each(badBodies)('when the checkout body has %s, then the answer is 400 and no saga or order is created', async (_name, body) => {
      const [sagasBefore, ordersBefore] = [await sagaCount(), (await api.allOrders(dave.token)).length];
      const response = await api.checkout(dave.token, body(), { wait: 5 });
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(await sagaCount(), `a saga was created by ${describeResponse(response)}`).toBe(sagasBefore);
      expect((await api.allOrders(dave.token)).length).toBe(ordersBefore);
    });

    it.each([['31'], ['-1'], ['abc'], ['1.5'], ['']])(
      'when the checkout carries ?wait=%s, then the answer is 400 and no saga is created',
      async (wait) => {
        const before = await sagaCount();
        const response = await api.post(`/api/checkout?wait=${wait}`, { json: { items: [validLine()] }, token: alice.token });
        expectProblem(response, 400, 'VALIDATION_FAILED');
        expect(await sagaCount(), `a saga was created by ${describeResponse(response)}`).toBe(before);
      },
    );

    it('when nobody is logged in, then a checkout is 401 and no saga is created', async () => {
      const before = await sagaCount();
      expectProblem(await api.post('/api/checkout', { json: { items: [validLine()] } }), 401, 'UNAUTHENTICATED');
      expect(await sagaCount()).toBe(before);
    });
  });

  describe('who may read sagas', () => {
    let saga: Saga;

    beforeAll(async () => {
      // Terminal first: a saga still moving could change between the owner's read and the admin's.
      saga = await checkoutAndWait(alice, [{ menuItemId: drink.id, quantity: 1 }]);
    });

    it("when a customer reads another customer's saga, then the answer is 404", async () => {
      expectSagaShape(saga, 'checkout');
      expectProblem(await api.saga(carol.token, saga.sagaId), 404, 'NOT_FOUND');
    });

    it('when an admin reads any saga, then the answer is 200 with the same saga', async () => {
      const owner = await api.saga(alice.token, saga.sagaId);
      const asAdmin = await api.saga(admin, saga.sagaId);
      expectStatus(asAdmin, 200);
      expect(asAdmin.body).toEqual(owner.body);
    });

    it('when a saga id does not exist or is malformed, then the answer is 404 or 400', async () => {
      expectProblem(await api.saga(alice.token, randomUUID()), 404, 'NOT_FOUND');
      expectProblem(await api.saga(admin, randomUUID()), 404, 'NOT_FOUND');
      expectProblem(await api.saga(alice.token, 'not-a-uuid'), 400, 'VALIDATION_FAILED');
      expectProblem(await api.get(`/api/checkout/${saga.sagaId}`), 401, 'UNAUTHENTICATED');
    });
  });

  describe('the admin saga list', () => {
    let all: Saga[];

    beforeAll(async () => {
      await waitForQuietSagas(api, admin, { context: logs });
      all = await api.allAdminSagas(admin);
    });

    it('when an admin lists the sagas, then every saga of this file is there, newest first, without duplicates', () => {
      for (const saga of all) expectSagaShape(saga);
      expect(new Set(all.map((saga) => saga.sagaId)).size).toBe(all.length);
      const created = all.map((saga) => Date.parse(saga.createdAt));
      const outOfOrder = created.flatMap((at, i) =>
        i > 0 && at > (created[i - 1] as number) ? [`#${i} ${all[i]?.createdAt} after ${all[i - 1]?.createdAt}`] : [],
      );
      expect(outOfOrder, 'newest first').toEqual([]);
      const orders = new Set(all.map((saga) => saga.orderId));
      expect(orders.size).toBeGreaterThanOrEqual(10);
      expect(all.some((saga) => saga.type === 'cancel-order')).toBe(true);
    });

    it('when an admin pages through with limit=3, then the pages together are the full list in the same order', async () => {
      const paged: Saga[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 200; page += 1) {
        const response = await api.adminSagas(admin, { limit: 3, ...(cursor === undefined ? {} : { cursor }) });
        expectStatus(response, 200);
        expect(response.body.items.length).toBeLessThanOrEqual(3);
        paged.push(...response.body.items);
        if (response.body.nextCursor === null) break;
        expect(response.body.items.length, 'a page with a next cursor is full').toBe(3);
        cursor = response.body.nextCursor;
      }
      expect(paged.map((saga) => saga.sagaId)).toEqual(all.map((saga) => saga.sagaId));
      const first = await api.adminSagas(admin);
      expectStatus(first, 200);
      expect(
        first.body.items.map((saga) => saga.sagaId),
        'the default page is the first 20',
      ).toEqual(all.slice(0, 20).map((saga) => saga.sagaId));
    });

    it('when an admin filters ?status=ABORTED&type=checkout, then exactly the aborted checkouts are listed', async () => {
      const aborted = await api.allAdminSagas(admin, { status: 'ABORTED', type: 'checkout' }, 2);
      expect(aborted.map((saga) => saga.sagaId)).toEqual(
        all.filter((saga) => saga.status === 'ABORTED' && saga.type === 'checkout').map((saga) => saga.sagaId),
      );
      const reasons = new Set(aborted.map((saga) => saga.reason));
      expect(reasons.has('INSUFFICIENT_FUNDS') && reasons.has('UNKNOWN_MENU_ITEM'), JSON.stringify([...reasons])).toBe(true);
    });

    it('when an admin filters by type=cancel-order or status=COMPLETED, then only those are listed', async () => {
      const cancels = await api.allAdminSagas(admin, { type: 'cancel-order' });
      expect(cancels.length).toBeGreaterThanOrEqual(2);
      expect(cancels.map((saga) => saga.sagaId)).toEqual(all.filter((saga) => saga.type === 'cancel-order').map((saga) => saga.sagaId));
      const completed = await api.allAdminSagas(admin, { status: 'COMPLETED' });
      expect(completed.map((saga) => saga.sagaId)).toEqual(all.filter((saga) => saga.status === 'COMPLETED').map((saga) => saga.sagaId));
    });

    it('when the filters or the page size are invalid, then the answer is 400', async () => {
      expectProblem(await api.adminSagas(admin, { status: 'DONE' }), 400, 'VALIDATION_FAILED');
      expectProblem(await api.adminSagas(admin, { type: 'refund' }), 400, 'VALIDATION_FAILED');
      expectProblem(await api.adminSagas(admin, { limit: 0 }), 400, 'VALIDATION_FAILED');
      expectProblem(await api.adminSagas(admin, { limit: 101 }), 400, 'VALIDATION_FAILED');
    });

    it('when a customer lists the sagas, then the answer is 403 FORBIDDEN', async () => {
      expectProblem(await api.adminSagas(alice.token), 403, 'FORBIDDEN');
      expectProblem(await api.adminSagas(alice.token, { status: 'ABORTED', type: 'checkout' }), 403, 'FORBIDDEN');
    });
  });

  describe('money', () => {
    it('when every saga of this file is over, then the money invariants hold for every customer', async () => {
      await waitForQuietSagas(api, admin, { context: logs });
      const money = await expectMoneyInvariants(api, sessions, { adminToken: admin, context: logs });
      const [aliceMoney] = money;
      expect(aliceMoney?.refunds, 'alice had two cancels').toBeGreaterThan(0);
      expect(money.map((entry) => entry.orders.length).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10);
    });

    it('when the customers read their own orders, then they see exactly their orders from the admin list', async () => {
      const everything = await api.allOrders(admin);
      for (const session of sessions) {
        const own = await api.allOrders(session.token);
        expect(own.every((order) => order.customerId === session.customer.id)).toBe(true);
        expect(own.map((order) => order.id)).toEqual(
          everything.filter((order) => order.customerId === session.customer.id).map((order) => order.id),
        );
      }
    });
  });
});
