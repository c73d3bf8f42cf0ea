import { randomUUID } from 'node:crypto';
import type { Envelope } from '@ordering/contracts';
import { outboxMessages } from '@ordering/messaging';
import { asc, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aCheckout, bearer } from './builders.js';
import { startOrchestrator, succeeded, type OrchestratorUnderTest } from './orchestrator-service.js';

let orchestrator: OrchestratorUnderTest;
let customerId: string;
let customer: string;
let adminId: string;
let admin: string;

beforeEach(async () => {
  orchestrator = await startOrchestrator();
  customerId = randomUUID();
  customer = await orchestrator.tokens.issue({ customerId });
  adminId = randomUUID();
  admin = await orchestrator.tokens.issue({ customerId: adminId, role: 'admin' });
});
afterEach(() => orchestrator.close());

const startCheckout = async (): Promise<{ sagaId: string; orderId: string }> =>
  (await orchestrator.app.inject({ method: 'POST', url: '/api/checkout', payload: aCheckout(), headers: bearer(customer) })).json();

/** An admin's repair unless another token (or null for none) is given. */
const repair = (sagaId: string, body: unknown, token: string | null = admin) =>
  orchestrator.app.inject({
    method: 'POST',
    url: `/api/admin/sagas/${sagaId}/repairs`,
    payload: body as object,
    headers: token ? bearer(token) : {},
  });

/** Every command of the saga in the outbox, in the order they were written. */
const commandsOf = async (sagaId: string): Promise<Envelope[]> =>
  (
    await orchestrator.database.db
      .select({ envelope: outboxMessages.envelope })
      .from(outboxMessages)
      .where(sql`${outboxMessages.envelope}->>'correlationId' = ${sagaId}`)
      .orderBy(asc(outboxMessages.createdAt))
  ).map((row) => row.envelope as Envelope);

const historyOf = async (sagaId: string) =>
  (
    await orchestrator.database.pool.query<{ event: string; outcome: string | null; reason: string | null; actor: string | null }>(
      'select event, outcome, reason, actor from saga_history where saga_id = $1 order by id',
      [sagaId],
    )
  ).rows;

describe('POST /api/admin/sagas/{sagaId}/repairs', () => {
  it('when there is no token, then 401; when a customer asks, then 403; and the saga is untouched', async () => {
    const { sagaId } = await startCheckout();
    const body = { action: 'retry-now', reason: 'lost command' };
    const answers = [await repair(sagaId, body, null), await repair(sagaId, body, customer)];
    expect(answers.map((response) => [response.statusCode, response.json().code])).toEqual([
      [401, 'UNAUTHENTICATED'],
      [403, 'FORBIDDEN'],
    ]);
    expect(await commandsOf(sagaId)).toHaveLength(1);
  });

  it('when the body or the id is bad, then 400 VALIDATION_FAILED and nothing changes', async () => {
    const { sagaId } = await startCheckout();
    const bodies: unknown[] = [
      {},
      { action: 'retry-now' },
      { action: 'retry-now', reason: 'no' },
      { action: 'retry-now', reason: 'x'.repeat(501) },
      { action: 'restart', reason: 'lost command' },
      { action: 'retry-now', reason: 'lost command', force: true },
    ];
    const answers = [];
    for (const body of bodies) answers.push((await repair(sagaId, body)).json().code);
    answers.push((await repair('not-a-uuid', { action: 'retry-now', reason: 'lost command' })).json().code);
    expect(answers).toEqual([...bodies.map(() => 'VALIDATION_FAILED'), 'VALIDATION_FAILED']);
    expect(await commandsOf(sagaId)).toHaveLength(1);
    expect((await historyOf(sagaId)).map((row) => row.event)).toEqual(['started']);
  });

  it('when the saga is unknown, then 404 NOT_FOUND', async () => {
    const response = await repair(randomUUID(), { action: 'retry-now', reason: 'lost command' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('when the saga state does not allow the repair, then 409 REPAIR_NOT_ALLOWED names its status and legal repairs, and nothing changes', async () => {
    const { sagaId } = await startCheckout();
    const response = await repair(sagaId, { action: 'mark-compensated', reason: 'undone by hand' });
    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 409, code: 'REPAIR_NOT_ALLOWED' });
    expect(response.json().detail).toMatch(
      /is RUNNING: mark-compensated is allowed only while the saga is COMPENSATING.*retry-now, force-compensation/,
    );
    expect(await commandsOf(sagaId)).toHaveLength(1);
    expect((await historyOf(sagaId)).map((row) => row.event)).toEqual(['started']);
  });

  it('when an admin retries, forces the compensation, then marks it done, then each answers 200 with the saga and what it allows now', async () => {
    const { sagaId, orderId } = await startCheckout();

    const retried = await repair(sagaId, { action: 'retry-now', reason: 'the order service lost it' });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({
      saga: { sagaId, orderId, customerId, type: 'checkout', status: 'RUNNING' },
      legalRepairs: ['retry-now', 'force-compensation'],
    });
    const [first, again] = await commandsOf(sagaId);
    expect(again).toMatchObject({ type: first?.type, payload: first?.payload });
    expect(again?.id).not.toBe(first?.id);

    const forced = (await repair(sagaId, { action: 'force-compensation', reason: 'the kitchen is closed' })).json();
    expect(forced).toMatchObject({ saga: { status: 'COMPENSATING' }, legalRepairs: ['retry-now', 'mark-compensated'] });
    expect((await commandsOf(sagaId)).at(-1)).toMatchObject({ type: 'order.RejectOrder.v1', payload: { reason: 'COMPENSATION_FORCED' } });

    const marked = (await repair(sagaId, { action: 'mark-compensated', reason: 'rejected by hand' })).json();
    expect(marked).toMatchObject({ saga: { status: 'ABORTED', reason: 'COMPENSATION_FORCED' }, legalRepairs: [] });
    expect(marked.saga.steps.map((step: { status: string }) => step.status)).toEqual(['COMPENSATED', 'PENDING', 'PENDING']);
    // The answer is the saga's timeline: the repair is already in its history, with who and why.
    expect(marked.history.at(-1)).toMatchObject({
      event: 'repair',
      outcome: 'mark-compensated',
      actor: adminId,
      reason: 'rejected by hand',
      statusBefore: 'COMPENSATING',
      statusAfter: 'ABORTED',
    });
    expect((await orchestrator.get(`/api/checkout/${sagaId}`, customer)).json()).toMatchObject({
      status: 'ABORTED',
      reason: 'COMPENSATION_FORCED',
    });
    expect((await historyOf(sagaId)).filter((row) => row.event === 'repair')).toEqual([
      { event: 'repair', outcome: 'retry-now', reason: 'the order service lost it', actor: adminId },
      { event: 'repair', outcome: 'force-compensation', reason: 'the kitchen is closed', actor: adminId },
      { event: 'repair', outcome: 'mark-compensated', reason: 'rejected by hand', actor: adminId },
    ]);

    const late = await repair(sagaId, { action: 'retry-now', reason: 'one more time' });
    expect(late.statusCode).toBe(409);
    expect(late.json().detail).toMatch(/is ABORTED: .*repairs allowed now: none/);
  });

  it('when both the original and the retried command are answered, then the first answer counts and the saga completes', async () => {
    const { sagaId } = await startCheckout();
    await repair(sagaId, { action: 'retry-now', reason: 'the order service lost it' });
    const original = await orchestrator.reply('order', succeeded({ total: 1340, currency: 'JPY' }));
    const retried = await orchestrator.reply('order', succeeded({ total: 1340, currency: 'JPY' }));
    expect(retried.type).toBe(original.type);
    await orchestrator.reply('account', succeeded({ amount: 1340, balanceAfter: 0 }));
    await orchestrator.reply('order', succeeded());
    expect((await orchestrator.get(`/api/checkout/${sagaId}`, customer)).json().status).toBe('COMPLETED');
    expect((await historyOf(sagaId)).map((row) => [row.event, row.outcome])).toEqual([
      ['started', null],
      ['repair', 'retry-now'],
      ['reply', 'SUCCEEDED'],
      ['reply', 'SUCCEEDED'],
      ['reply', 'SUCCEEDED'],
    ]);
  });

  it('when the OpenAPI document is read, then the repair route is in it for admins, with its body', async () => {
    const document = (await orchestrator.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const operation = document.paths['/api/admin/sagas/{sagaId}/repairs']?.post;
    expect(operation).toMatchObject({ tags: ['admin'], security: [{ bearerAuth: [] }] });
    expect(operation.requestBody.content['application/json'].schema).toMatchObject({
      required: ['action', 'reason'],
      properties: { reason: { minLength: 3, maxLength: 500 } },
    });
  });
});
