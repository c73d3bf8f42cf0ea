import { randomBytes, randomUUID } from 'node:crypto';
import type { Envelope } from '@ordering/contracts';
import { startTracing } from '@ordering/platform';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aCheckout, bearer } from './builders.js';
import { failed, startOrchestrator, succeeded, type OrchestratorUnderTest } from './orchestrator-service.js';

// Trace ids only (no recording): a request's traceparent flows into the saga's commands, as in production.
const tracing = startTracing({ service: 'orchestrator' });
afterAll(() => tracing.shutdown());

const TRACING_UI_URL = 'http://127.0.0.1:16686/trace/{traceId}';

let orchestrator: OrchestratorUnderTest;
let admin: string;

beforeEach(async () => {
  orchestrator = await startOrchestrator({ tracingUiUrl: TRACING_UI_URL });
  admin = await orchestrator.tokens.issue({ role: 'admin' });
});
afterEach(() => orchestrator.close());

interface Started {
  sagaId: string;
  orderId: string;
  customerId: string;
}

const checkoutAs = async (customerId: string, headers: Record<string, string> = {}): Promise<Started> => {
  const token = await orchestrator.tokens.issue({ customerId });
  const response = await orchestrator.app.inject({
    method: 'POST',
    url: '/api/checkout',
    payload: aCheckout(),
    headers: { ...bearer(token), ...headers },
  });
  expect(response.statusCode).toBe(202);
  const saga = response.json();
  return { sagaId: saga.sagaId, orderId: saga.orderId, customerId };
};

/** Answers the checkout's three commands with success; returns them in the order they were sent. */
const completeCheckout = async (): Promise<Envelope[]> => [
  await orchestrator.reply('order', succeeded({ total: 1340, currency: 'JPY' })),
  await orchestrator.reply('account', succeeded({ amount: 1340, balanceAfter: 0 })),
  await orchestrator.reply('order', succeeded()),
];

const idsOf = async (query: string): Promise<string[]> => {
  const response = await orchestrator.get(`/api/admin/sagas${query}`, admin);
  expect(response.statusCode).toBe(200);
  return response.json().items.map((item: { sagaId: string }) => item.sagaId);
};

const makeOlder = async (sagaId: string, seconds: number): Promise<void> => {
  await orchestrator.database.pool.query(`update sagas set created_at = created_at - make_interval(secs => $2) where id = $1`, [
    sagaId,
    seconds,
  ]);
};

describe('GET /api/admin/sagas with the console filters', () => {
  it('when an admin filters by status, type, reason and customer, then each lists exactly its sagas, newest first, with their customer', async () => {
    const alice = randomUUID();
    const completed = await checkoutAs(alice);
    await completeCheckout();
    const refused = await checkoutAs(randomUUID());
    await orchestrator.reply('order', succeeded({ total: 1340, currency: 'JPY' }));
    await orchestrator.reply('account', failed('INSUFFICIENT_FUNDS'));
    await orchestrator.reply('order', succeeded());
    const running = await checkoutAs(alice);
    const cancel = await orchestrator.app.inject({
      method: 'POST',
      url: `/api/orders/${completed.orderId}/cancel`,
      headers: bearer(await orchestrator.tokens.issue({ customerId: alice })),
    });
    const cancellation = cancel.json().sagaId as string;

    expect(await idsOf('')).toEqual([cancellation, running.sagaId, refused.sagaId, completed.sagaId]);
    expect(await idsOf('?status=COMPLETED')).toEqual([completed.sagaId]);
    expect(await idsOf('?status=RUNNING&type=checkout')).toEqual([running.sagaId]);
    expect(await idsOf('?type=cancel-order')).toEqual([cancellation]);
    expect(await idsOf('?reason=INSUFFICIENT_FUNDS')).toEqual([refused.sagaId]);
    expect(await idsOf('?reason=TIMEOUT')).toEqual([]);
    expect(await idsOf(`?customerId=${alice}`)).toEqual([cancellation, running.sagaId, completed.sagaId]);
    expect(await idsOf(`?customerId=${alice}&type=checkout&status=COMPLETED`)).toEqual([completed.sagaId]);

    const [item] = (await orchestrator.get(`/api/admin/sagas?reason=INSUFFICIENT_FUNDS`, admin)).json().items;
    expect(item).toEqual({
      sagaId: refused.sagaId,
      type: 'checkout',
      orderId: refused.orderId,
      customerId: refused.customerId,
      status: 'ABORTED',
      reason: 'INSUFFICIENT_FUNDS',
      steps: [
        { name: 'createOrder', status: 'COMPENSATED', at: expect.any(String) },
        { name: 'debitAccount', status: 'FAILED', at: expect.any(String) },
        { name: 'approveOrder', status: 'PENDING', at: expect.any(String) },
      ],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('when an admin searches a saga id, an order id or a customer id, then the sagas it names are found', async () => {
    const customerId = randomUUID();
    const first = await checkoutAs(customerId);
    const second = await checkoutAs(customerId);
    const other = await checkoutAs(randomUUID());
    await makeOlder(first.sagaId, 1);

    expect(await idsOf(`?q=${first.sagaId}`)).toEqual([first.sagaId]);
    expect(await idsOf(`?q=${other.orderId}`)).toEqual([other.sagaId]);
    expect(await idsOf(`?q=${customerId}`)).toEqual([second.sagaId, first.sagaId]);
    expect(await idsOf(`?q=${customerId}&limit=1`)).toEqual([second.sagaId]);
    expect(await idsOf(`?q=${randomUUID()}`)).toEqual([]);
  });

  it('when an admin filters by age, then olderThanSeconds and newerThanSeconds split the sagas at that age', async () => {
    const old = await checkoutAs(randomUUID());
    const young = await checkoutAs(randomUUID());
    await makeOlder(old.sagaId, 7_200);

    expect(await idsOf('?olderThanSeconds=3600')).toEqual([old.sagaId]);
    expect(await idsOf('?newerThanSeconds=3600')).toEqual([young.sagaId]);
    expect(await idsOf('?newerThanSeconds=86400&olderThanSeconds=3600')).toEqual([old.sagaId]);
    expect(await idsOf('?olderThanSeconds=0')).toEqual([young.sagaId, old.sagaId]);
  });

  it.each([
    ['q=not-a-uuid'],
    [`q=urn:uuid:${randomUUID()}`],
    ["q='; DROP TABLE sagas; --"],
    ['customerId=alice'],
    ['olderThanSeconds=-1'],
    ['newerThanSeconds=1.5'],
    ['newerThanSeconds=99999999999'],
    ['status=PAUSED'],
    ['type=refund'],
    ['reason='],
    ['limit=101'],
  ])('when the query has %s, then 400 VALIDATION_FAILED problem', async (query) => {
    const response = await orchestrator.get(`/api/admin/sagas?${query}`, admin);
    expect([response.statusCode, response.headers['content-type'], response.json().code]).toEqual([
      400,
      expect.stringContaining('application/problem+json'),
      'VALIDATION_FAILED',
    ]);
    const counts = await orchestrator.get(`/api/admin/sagas/counts?${query}`, admin);
    if (!query.startsWith('status=') && !query.startsWith('limit=')) expect(counts.statusCode).toBe(400);
  });
});

describe('GET /api/admin/sagas/counts', () => {
  it('when an admin counts, then every status comes in order with its count, and the filters narrow them', async () => {
    const customerId = randomUUID();
    await checkoutAs(customerId);
    await completeCheckout();
    await checkoutAs(customerId);
    await checkoutAs(randomUUID());

    const all = (await orchestrator.get('/api/admin/sagas/counts', admin)).json();
    expect(all).toEqual({
      cap: 10_000,
      counts: [
        { status: 'RUNNING', count: 2, atLeast: false },
        { status: 'COMPENSATING', count: 0, atLeast: false },
        { status: 'COMPLETED', count: 1, atLeast: false },
        { status: 'ABORTED', count: 0, atLeast: false },
      ],
    });
    const mine = (await orchestrator.get(`/api/admin/sagas/counts?q=${customerId}&type=checkout&newerThanSeconds=3600`, admin)).json();
    expect(mine.counts.map((entry: { count: number }) => entry.count)).toEqual([1, 0, 1, 0]);
    const none = (await orchestrator.get('/api/admin/sagas/counts?reason=TIMEOUT', admin)).json();
    expect(none.counts.map((entry: { count: number }) => entry.count)).toEqual([0, 0, 0, 0]);
  });

  it('when more sagas match than the cap, then the count stops at the cap and says at least', async () => {
    // More rows than the cap, written directly: starting 10001 sagas through the API would take minutes.
    await orchestrator.database.pool.query(
      `insert into sagas (id, type, status, current_step, data, version, step_attempt, owner_id, business_key)
       select gen_random_uuid(), 'checkout', 'RUNNING', 0, '{}', 1, 1, gen_random_uuid()::text, gen_random_uuid()::text
         from generate_series(1, 10001)`,
    );
    const { counts } = (await orchestrator.get('/api/admin/sagas/counts', admin)).json();
    expect(counts[0]).toEqual({ status: 'RUNNING', count: 10_000, atLeast: true });
    expect(counts[2]).toEqual({ status: 'COMPLETED', count: 0, atLeast: false });
  });
});

describe('GET /api/admin/sagas/{sagaId}', () => {
  it('when a traced checkout completed, then its timeline has the saga, the steps, each command by message id and the trace link', async () => {
    const traceId = randomBytes(16).toString('hex');
    const started = await checkoutAs(randomUUID(), { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
    const commands = await completeCheckout();

    const response = await orchestrator.get(`/api/admin/sagas/${started.sagaId}`, admin);

    expect(response.statusCode).toBe(200);
    const timeline = response.json();
    expect(timeline.saga).toMatchObject({
      sagaId: started.sagaId,
      type: 'checkout',
      orderId: started.orderId,
      customerId: started.customerId,
      status: 'COMPLETED',
      currentStep: 2,
      deadlineAt: null,
      finishedAt: expect.any(String),
    });
    expect(timeline.saga).not.toHaveProperty('businessKey');
    expect(timeline.steps).toEqual([
      {
        index: 0,
        name: 'createOrder',
        kind: 'compensatable',
        status: 'DONE',
        attempts: 1,
        compensationAttempts: 0,
        updatedAt: expect.any(String),
      },
      {
        index: 1,
        name: 'debitAccount',
        kind: 'compensatable',
        status: 'DONE',
        attempts: 1,
        compensationAttempts: 0,
        updatedAt: expect.any(String),
      },
      {
        index: 2,
        name: 'approveOrder',
        kind: 'retriable',
        status: 'DONE',
        attempts: 1,
        compensationAttempts: 0,
        updatedAt: expect.any(String),
      },
    ]);
    expect(timeline.commands).toEqual(
      commands.map((command, index) => ({
        messageId: command.id,
        stepIndex: index,
        stepName: ['createOrder', 'debitAccount', 'approveOrder'][index],
        direction: 'FORWARD',
        attempt: 1,
        sentAt: expect.any(String),
        traceId,
      })),
    );
    expect(Array.isArray(timeline.history)).toBe(true);
    expect(timeline).toMatchObject({ traceId, traceUrl: `http://127.0.0.1:16686/trace/${traceId}`, legalRepairs: [] });
  });

  it('when the saga is still running, then the timeline offers the repairs the engine would accept', async () => {
    const started = await checkoutAs(randomUUID());
    const timeline = (await orchestrator.get(`/api/admin/sagas/${started.sagaId}`, admin)).json();
    expect(timeline.saga).toMatchObject({
      status: 'RUNNING',
      currentStep: 0,
      stepAttempt: 1,
      deadlineAt: expect.any(String),
      finishedAt: null,
    });
    expect(timeline.legalRepairs).toEqual(['retry-now', 'force-compensation']);
  });

  it('when the saga is unknown, then 404 NOT_FOUND; a non-UUID id is a 400', async () => {
    const unknown = await orchestrator.get(`/api/admin/sagas/${randomUUID()}`, admin);
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'NOT_FOUND']);
    const bad = await orchestrator.get(`/api/admin/sagas/urn:uuid:${randomUUID()}`, admin);
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe('who may read the console', () => {
  it.each(['/api/admin/sagas', '/api/admin/sagas/counts', `/api/admin/sagas/${randomUUID()}`])(
    'when %s is asked without a token, then 401; with a customer token, then 403',
    async (url) => {
      const anonymous = await orchestrator.app.inject({ method: 'GET', url });
      expect([anonymous.statusCode, anonymous.headers['content-type']]).toEqual([401, expect.stringContaining('application/problem+json')]);
      const customer = await orchestrator.get(url, await orchestrator.tokens.issue());
      expect([customer.statusCode, customer.json().code]).toEqual([403, 'FORBIDDEN']);
    },
  );
});

describe('the admin saga routes in the API document', () => {
  it('when /docs/json is read, then each route is tagged admin, summarised and asks for a bearer token', async () => {
    const { paths } = (await orchestrator.app.inject({ method: 'GET', url: '/docs/json' })).json();
    for (const path of ['/api/admin/sagas', '/api/admin/sagas/counts', '/api/admin/sagas/{sagaId}']) {
      expect(paths[path]?.get).toMatchObject({ tags: ['admin'], summary: expect.any(String), security: [{ bearerAuth: [] }] });
      expect(paths[path].get.responses).toHaveProperty('200');
    }
    const filters = paths['/api/admin/sagas'].get.parameters.map((parameter: { name: string }) => parameter.name);
    expect(filters).toEqual(
      expect.arrayContaining(['limit', 'cursor', 'status', 'type', 'reason', 'customerId', 'olderThanSeconds', 'newerThanSeconds', 'q']),
    );
  });
});
