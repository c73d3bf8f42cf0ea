import { randomUUID } from 'node:crypto';
import { CRAFTED_CURSORS, forgeTokens } from '@ordering/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aCheckout, bearer } from './builders.js';
import { failed, startOrchestrator, succeeded, type OrchestratorUnderTest } from './orchestrator-service.js';

let orchestrator: OrchestratorUnderTest;
let customerId: string;
let token: string;

beforeEach(async () => {
  orchestrator = await startOrchestrator();
  customerId = randomUUID();
  token = await orchestrator.tokens.issue({ customerId });
});
afterEach(() => orchestrator.close());

const checkout = (body: unknown = aCheckout(), headers: Record<string, string> = {}, query = '') =>
  orchestrator.app.inject({
    method: 'POST',
    url: `/api/checkout${query}`,
    payload: body as object,
    headers: { ...bearer(token), ...headers },
  });

const completeCheckout = async () => {
  await orchestrator.reply('order', succeeded({ total: 1340, currency: 'JPY' }));
  await orchestrator.reply('account', succeeded({ amount: 1340, balanceAfter: 0 }));
  await orchestrator.reply('order', succeeded());
};

describe('POST /api/checkout', () => {
  it('when a customer checks out, then 202 carries the running saga, its Location, and the first command is in the outbox', async () => {
    const response = await checkout();
    expect(response.statusCode).toBe(202);
    const saga = response.json();
    expect(response.headers['location']).toBe(`/api/checkout/${saga.sagaId}`);
    expect(saga).toMatchObject({ type: 'checkout', status: 'RUNNING' });
    expect(saga.steps.map((step: { name: string; status: string }) => [step.name, step.status])).toEqual([
      ['createOrder', 'RUNNING'],
      ['debitAccount', 'PENDING'],
      ['approveOrder', 'PENDING'],
    ]);
    const command = await orchestrator.reply('order', succeeded({ total: 1340, currency: 'JPY' }));
    expect(command).toMatchObject({
      type: 'order.CreatePendingOrder.v1',
      correlationId: saga.sagaId,
      payload: { orderId: saga.orderId, customerId, items: aCheckout().items },
    });
  });

  it('when every participant succeeds, then the saga is COMPLETED and the debit asked for the priced total', async () => {
    const { sagaId } = (await checkout()).json();
    await orchestrator.reply('order', succeeded({ total: 1340, currency: 'JPY' }));
    const debit = await orchestrator.reply('account', succeeded({ amount: 1340, balanceAfter: 0 }));
    expect(debit.payload).toMatchObject({ customerId, amount: 1340 });
    await orchestrator.reply('order', succeeded());
    const saga = (await orchestrator.get(`/api/checkout/${sagaId}`, token)).json();
    expect(saga.status).toBe('COMPLETED');
    expect(saga.steps.every((step: { status: string }) => step.status === 'DONE')).toBe(true);
  });

  it('when the debit fails for insufficient funds, then the order is rejected with that reason and the saga ABORTED', async () => {
    const { sagaId } = (await checkout()).json();
    await orchestrator.reply('order', succeeded({ total: 1340, currency: 'JPY' }));
    await orchestrator.reply('account', failed('INSUFFICIENT_FUNDS'));
    const reject = await orchestrator.reply('order', succeeded());
    expect(reject).toMatchObject({ type: 'order.RejectOrder.v1', payload: { reason: 'INSUFFICIENT_FUNDS' } });
    const saga = (await orchestrator.get(`/api/checkout/${sagaId}`, token)).json();
    expect(saga).toMatchObject({ status: 'ABORTED', reason: 'INSUFFICIENT_FUNDS' });
    expect(saga.steps.map((step: { status: string }) => step.status)).toEqual(['COMPENSATED', 'FAILED', 'PENDING']);
  });

  it('when the same Idempotency-Key and body are sent twice, then one saga exists and both answers name it', async () => {
    const first = await checkout(aCheckout(), { 'idempotency-key': 'cart-1' });
    const second = await checkout(aCheckout(), { 'idempotency-key': 'cart-1' });
    expect(second.statusCode).toBe(202);
    expect(second.json().sagaId).toBe(first.json().sagaId);
    const admin = await orchestrator.tokens.issue({ role: 'admin' });
    const all = (await orchestrator.get('/api/admin/sagas', admin)).json();
    expect(all.items).toHaveLength(1);
  });

  it('when the same Idempotency-Key comes with another body, then 422 IDEMPOTENCY_KEY_REUSED', async () => {
    await checkout(aCheckout(), { 'idempotency-key': 'cart-2' });
    const response = await checkout(aCheckout({ items: [{ menuItemId: randomUUID(), quantity: 1 }] }), { 'idempotency-key': 'cart-2' });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it.each([
    ['no items', { items: [] }],
    ['21 items', { items: Array.from({ length: 21 }, () => ({ menuItemId: randomUUID(), quantity: 1 })) }],
    ['a zero quantity', { items: [{ menuItemId: randomUUID(), quantity: 0 }] }],
    ['a fractional quantity', { items: [{ menuItemId: randomUUID(), quantity: 1.5 }] }],
    ['a non-uuid menu id', { items: [{ menuItemId: "1'; DROP TABLE sagas; --", quantity: 1 }] }],
    ['a urn:uuid menu id (the order service could never store it)', { items: [{ menuItemId: `urn:uuid:${randomUUID()}`, quantity: 1 }] }],
    ['an unknown field', { items: [{ menuItemId: randomUUID(), quantity: 1 }], coupon: 'FREE' }],
  ])('when the body has %s, then 400 and no saga is started', async (_case, body) => {
    const response = await checkout(body);
    expect(response.statusCode).toBe(400);
    const count = await orchestrator.database.pool.query('select count(*)::int as n from sagas');
    expect(count.rows[0].n).toBe(0);
  });

  it.each(['?wait=31', '?wait=-1', '?wait=abc'])('when the wait is %s, then 400', async (query) => {
    expect((await checkout(aCheckout(), {}, query)).statusCode).toBe(400);
  });

  it('when ?wait is given and the saga finishes in time, then 200 with the terminal saga', async () => {
    const pending = checkout(aCheckout(), {}, '?wait=10');
    await expect
      .poll(() => orchestrator.database.pool.query('select count(*)::int as n from outbox_messages').then((r) => r.rows[0].n), {
        timeout: 15_000,
      })
      .toBe(1);
    await completeCheckout();
    const response = await pending;
    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('COMPLETED');
  });

  it('when ?wait passes before the saga finishes, then 202 with the running saga', async () => {
    const response = await checkout(aCheckout(), {}, '?wait=1');
    expect(response.statusCode).toBe(202);
    expect(response.json().status).toBe('RUNNING');
  });

  it('when the token is missing, expired, tampered or alg:none, then 401', async () => {
    const forged = await forgeTokens(token);
    const expired = await orchestrator.tokens.issue({ customerId, expiresInSeconds: -60 });
    for (const candidate of [undefined, expired, forged.tampered, forged.algNone, forged.garbage]) {
      const headers = candidate ? bearer(candidate) : {};
      const response = await orchestrator.app.inject({ method: 'POST', url: '/api/checkout', payload: aCheckout(), headers });
      expect(response.statusCode).toBe(401);
    }
  });
});

describe('GET /api/checkout/{sagaId} and /api/admin/sagas', () => {
  it('when another customer reads a saga, then 404; its owner and an admin get it', async () => {
    const { sagaId } = (await checkout()).json();
    const stranger = await orchestrator.tokens.issue();
    const admin = await orchestrator.tokens.issue({ role: 'admin' });
    const read = (t: string) => orchestrator.get(`/api/checkout/${sagaId}`, t);
    expect((await read(stranger)).statusCode).toBe(404);
    expect((await read(token)).statusCode).toBe(200);
    expect((await read(admin)).statusCode).toBe(200);
  });

  it('when a customer lists all sagas, then 403; an admin gets pages filtered by status', async () => {
    for (let i = 0; i < 3; i += 1) await checkout();
    expect((await orchestrator.get('/api/admin/sagas', token)).statusCode).toBe(403);
    const admin = await orchestrator.tokens.issue({ role: 'admin' });
    const first = (await orchestrator.get('/api/admin/sagas?limit=2', admin)).json();
    expect(first.items).toHaveLength(2);
    const second = (await orchestrator.get(`/api/admin/sagas?limit=2&cursor=${first.nextCursor}`, admin)).json();
    expect(second).toMatchObject({ nextCursor: null });
    expect(second.items).toHaveLength(1);
    const completed = (await orchestrator.get('/api/admin/sagas?status=COMPLETED', admin)).json();
    expect(completed.items).toEqual([]);
  });

  it('when an admin lists sagas with a crafted cursor PostgreSQL would refuse, then each is a 400 VALIDATION_FAILED problem', async () => {
    await checkout();
    const admin = await orchestrator.tokens.issue({ role: 'admin' });
    const answers = [];
    for (const [what, cursor] of CRAFTED_CURSORS) {
      const response = await orchestrator.get(`/api/admin/sagas?cursor=${cursor}`, admin);
      answers.push([what, response.statusCode, response.headers['content-type'], response.json().code]);
    }
    expect(answers).toEqual(
      CRAFTED_CURSORS.map(([what]) => [what, 400, expect.stringContaining('application/problem+json'), 'VALIDATION_FAILED']),
    );
  });

  it('when a saga id or an order id in a path is a urn:uuid, then 400 VALIDATION_FAILED, not a database error', async () => {
    const urn = `urn:uuid:${randomUUID()}`;
    const responses = [
      await orchestrator.get(`/api/checkout/${urn}`, token),
      await orchestrator.app.inject({ method: 'POST', url: `/api/orders/${urn}/cancel`, headers: bearer(token) }),
    ];
    expect(responses.map((response) => [response.statusCode, response.json().code])).toEqual([
      [400, 'VALIDATION_FAILED'],
      [400, 'VALIDATION_FAILED'],
    ]);
  });
});

describe('POST /api/orders/{id}/cancel', () => {
  const cancel = (orderId: string, t = token) =>
    orchestrator.app.inject({ method: 'POST', url: `/api/orders/${orderId}/cancel`, headers: bearer(t) });

  it('when the checkout completed, then the cancel-order saga starts and its first command re-checks the order', async () => {
    const { orderId } = (await checkout()).json();
    await completeCheckout();
    const response = await cancel(orderId);
    expect(response.statusCode).toBe(202);
    const saga = response.json();
    expect(saga).toMatchObject({ type: 'cancel-order', orderId, status: 'RUNNING' });
    expect(response.headers['location']).toBe(`/api/checkout/${saga.sagaId}`);
    const begin = await orchestrator.reply('order', succeeded({ total: 1340 }));
    expect(begin).toMatchObject({ type: 'order.BeginCancel.v1', payload: { orderId, customerId } });
  });

  it("when the order is unknown or another customer's, then 404", async () => {
    const { orderId } = (await checkout()).json();
    await completeCheckout();
    expect((await cancel(randomUUID())).statusCode).toBe(404);
    expect((await cancel(orderId, await orchestrator.tokens.issue())).statusCode).toBe(404);
  });

  it('when the checkout has not completed, or a cancel is already under way, then 409 ORDER_NOT_CANCELLABLE', async () => {
    const { orderId } = (await checkout()).json();
    const early = await cancel(orderId);
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('ORDER_NOT_CANCELLABLE');
    await completeCheckout();
    expect((await cancel(orderId)).statusCode).toBe(202);
    expect((await cancel(orderId)).statusCode).toBe(409);
  });

  it('when two cancels race, then exactly one starts', async () => {
    const { orderId } = (await checkout()).json();
    await completeCheckout();
    const answers = await Promise.all(Array.from({ length: 5 }, () => cancel(orderId)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([202, 409, 409, 409, 409]);
  });
});
