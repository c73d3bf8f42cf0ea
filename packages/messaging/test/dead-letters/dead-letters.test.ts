import { randomUUID } from 'node:crypto';
import { MessageTypes } from '@ordering/contracts';
import { CRAFTED_CURSORS } from '@ordering/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aDebitCommand, aDebitPayload } from '../builders.js';
import {
  ledgerHandler,
  startService,
  startTestDatabase,
  testSignerOf,
  type RunningService,
  type TestDatabaseHandle,
} from '../messaging-harness.js';

let handle: TestDatabaseHandle;
let service: RunningService;

beforeAll(async () => {
  handle = await startTestDatabase();
  service = await startService(handle, { service: 'account', handlers: [ledgerHandler()] });
});

afterAll(async () => {
  await service?.close();
  await handle?.close();
});

/** A push signed by the orchestrator: the signature covers the bytes, so even garbage gets past it to be parked. */
const deliver = (body: string, contentType: string | undefined = 'application/json') =>
  service.app.inject({
    method: 'POST',
    url: '/internal/messages',
    payload: body,
    headers: { ...(contentType ? { 'content-type': contentType } : {}), ...testSignerOf().headersFor(body) },
  });

const listDeadLetters = async (query = '') => {
  const response = await service.app.inject({ method: 'GET', url: `/internal/dead-letters${query}` });
  expect(response.statusCode).toBe(200);
  return response.json() as { items: Array<Record<string, unknown>>; nextCursor: string | null };
};

const replay = (id: string, body?: unknown) =>
  service.app.inject({
    method: 'POST',
    url: `/internal/dead-letters/${id}/replay`,
    ...(body === undefined ? {} : { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });

const ledgerRowsForOrder = (orderId: string) => handle.count('select count(*) from ledger where order_id = $1', [orderId]);

describe('poison messages over HTTP', () => {
  it('when poison arrives (malformed JSON, invalid payload, unknown type, wrong destination), then each is parked with its error and a good message after them is processed', async () => {
    const invalidPayload = aDebitCommand({}, { amount: -5 });
    const unknownType = aDebitCommand({ type: MessageTypes.ApproveOrder, payload: { orderId: randomUUID() } });
    const wrongDestination = aDebitCommand({ destination: 'order' });
    const good = aDebitCommand();

    const responses = [
      await deliver('{"id": "not even json'),
      await deliver(JSON.stringify(invalidPayload)),
      await deliver(JSON.stringify(unknownType)),
      await deliver(JSON.stringify(wrongDestination)),
      await deliver('plain text, not JSON at all', 'text/plain'),
      await deliver(JSON.stringify(good)),
    ];

    expect(responses.map((r) => r.statusCode)).toEqual([202, 202, 202, 202, 202, 200]);
    expect(responses.map((r) => r.json().outcome)).toEqual([
      'dead-lettered',
      'dead-lettered',
      'dead-lettered',
      'dead-lettered',
      'dead-lettered',
      'processed',
    ]);
    expect(await ledgerRowsForOrder((good.payload as { orderId: string }).orderId)).toBe(1);

    const page = await listDeadLetters('?limit=100');
    const byMessageId = new Map(page.items.map((item) => [item['messageId'], item]));
    expect(byMessageId.get(invalidPayload.id)).toMatchObject({
      attempts: 1,
      messageType: MessageTypes.DebitAccount,
      message: invalidPayload,
    });
    expect(byMessageId.get(invalidPayload.id)?.['error']).toMatch(/payload\.amount/);
    expect(byMessageId.get(unknownType.id)?.['error']).toMatch(/no handler for message type 'order\.ApproveOrder\.v1'/);
    expect(byMessageId.get(wrongDestination.id)?.['error']).toMatch(/addressed to 'order'/);
    const notJson = page.items.filter((item) => item['messageId'] === null);
    expect(notJson.map((item) => item['message'])).toEqual(
      expect.arrayContaining([{ raw: '{"id": "not even json' }, { raw: 'plain text, not JSON at all' }]),
    );
    expect(notJson.every((item) => String(item['error']).includes('not valid JSON'))).toBe(true);
  });

  it('when a body has no content type or holds a NUL character PostgreSQL cannot store as JSON, then it is still parked', async () => {
    const withNul = JSON.stringify({ ...aDebitCommand({ destination: 'nobody' }), headers: { traceparent: 'x\u0000y' } });
    const noContentType = await deliver('no content type here', undefined);
    const nul = await deliver(withNul);

    expect(noContentType.statusCode).toBe(202);
    expect(nul.statusCode).toBe(202);
    const letters = (await listDeadLetters('?limit=100')).items.map((item) => item['message']);
    expect(letters).toEqual(expect.arrayContaining([{ raw: 'no content type here' }, { raw: withNul }]));
  });

  it('when an envelope misses required fields, then the dead letter names them', async () => {
    const { correlationId: _dropped, ...withoutCorrelation } = aDebitCommand();

    const response = await deliver(JSON.stringify(withoutCorrelation));

    expect(response.statusCode).toBe(202);
    const letter = (await listDeadLetters()).items.find((item) => item['messageId'] === withoutCorrelation.id);
    expect(letter?.['error']).toMatch(/envelope\.correlationId: is required/);
  });

  it('when dead letters are listed page by page, then they come newest first without overlap', async () => {
    for (let i = 0; i < 3; i += 1) await deliver(JSON.stringify(aDebitCommand({ destination: 'nobody' })));

    const first = await listDeadLetters('?limit=2');
    const second = await listDeadLetters(`?limit=2&cursor=${first.nextCursor}`);

    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const ids = [...first.items, ...second.items].map((item) => item['id']);
    expect(new Set(ids).size).toBe(ids.length);
    const times = [...first.items, ...second.items].map((item) => String(item['deadAt']));
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('when a repaired dead letter is replayed twice, then it is processed once, marked replayed, and the second replay is a duplicate', async () => {
    const broken = aDebitCommand({}, { amount: 0 });
    expect((await deliver(JSON.stringify(broken))).statusCode).toBe(202);
    const letter = (await listDeadLetters('?limit=100')).items.find((item) => item['messageId'] === broken.id);
    const repaired = { ...broken, payload: { ...(broken.payload as object), amount: 800 } };

    const first = await replay(String(letter?.['id']), { message: repaired });
    const second = await replay(String(letter?.['id']), { message: repaired });

    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ outcome: 'processed', messageId: broken.id });
    expect(second.json()).toMatchObject({ outcome: 'duplicate' });
    expect(await ledgerRowsForOrder((broken.payload as { orderId: string }).orderId)).toBe(1);
    const shown = await service.app.inject({ method: 'GET', url: `/internal/dead-letters/${String(letter?.['id'])}` });
    expect(shown.json().replayedAt).toEqual(expect.any(String));
  });

  it('when a dead letter is replayed unrepaired, then it stays parked with its error and is not marked replayed', async () => {
    const broken = aDebitCommand({}, { amount: 1.5 });
    await deliver(JSON.stringify(broken));
    const letter = (await listDeadLetters('?limit=100')).items.find((item) => item['messageId'] === broken.id);

    const response = await replay(String(letter?.['id']));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ outcome: 'dead-lettered', deadLetterId: letter?.['id'] });
    expect(await handle.count('select count(*) from dead_letters where message_id = $1 and replayed_at is null', [broken.id])).toBe(1);
  });

  it('when a body that was not JSON is replayed with a repair, then the repaired envelope is processed', async () => {
    const good = aDebitCommand({}, aDebitPayload({ amount: 300 }));
    await deliver(JSON.stringify(good).slice(0, -1));
    const letter = (await listDeadLetters('?limit=100')).items.find((item) =>
      String((item['message'] as { raw?: string }).raw).includes(good.id),
    );

    const response = await replay(String(letter?.['id']), { message: good });

    expect(response.json()).toMatchObject({ outcome: 'processed' });
    expect(await ledgerRowsForOrder((good.payload as { orderId: string }).orderId)).toBe(1);
  });

  it('when an operator list is asked for with a crafted cursor PostgreSQL would refuse, then each is a 400 VALIDATION_FAILED problem', async () => {
    const answers = [];
    for (const path of ['/internal/dead-letters', '/internal/outbox/dead']) {
      for (const [what, cursor] of CRAFTED_CURSORS) {
        const response = await service.app.inject({ method: 'GET', url: `${path}?cursor=${cursor}` });
        answers.push([path, what, response.statusCode, response.headers['content-type'], response.json().code]);
      }
    }
    const expected = (path: string) =>
      CRAFTED_CURSORS.map(([what]) => [path, what, 400, expect.stringContaining('application/problem+json'), 'VALIDATION_FAILED']);
    expect(answers).toEqual([...expected('/internal/dead-letters'), ...expected('/internal/outbox/dead')]);
  });

  it.each([
    [
      'a payload that breaks its contract',
      (good: Record<string, unknown>) => ({ ...good, payload: { ...(good['payload'] as object), amount: -1 } }),
      /payload\.amount/,
    ],
    ['another destination', (good: Record<string, unknown>) => ({ ...good, destination: 'order' }), /addressed to 'order', not 'account'/],
    [
      'a source that may not send its type',
      (good: Record<string, unknown>) => ({ ...good, source: 'order' }),
      /'order' may not send account\.DebitAccount\.v1/,
    ],
    [
      'a type outside the catalog',
      (good: Record<string, unknown>) => ({ ...good, type: 'account.MintMoney.v1' }),
      /not a message type of the catalog/,
    ],
    ['no envelope at all', () => ({ amount: 800 }), /not a valid envelope/],
  ])(
    'when a dead letter is replayed with a repair carrying %s, then it is refused 400 VALIDATION_FAILED and the dead letter is untouched',
    async (_case, repair, reason) => {
      const broken = aDebitCommand({}, { amount: 0 });
      await deliver(JSON.stringify(broken));
      const letter = (await listDeadLetters('?limit=100')).items.find((item) => item['messageId'] === broken.id);
      const before = (await service.app.inject({ method: 'GET', url: `/internal/dead-letters/${String(letter?.['id'])}` })).json();
      const repaired = repair({ ...broken, payload: { ...(broken.payload as object), amount: 800 } });

      const response = await replay(String(letter?.['id']), { message: repaired });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'body.message', message: expect.stringMatching(reason) }],
      });
      expect((await service.app.inject({ method: 'GET', url: `/internal/dead-letters/${String(letter?.['id'])}` })).json()).toEqual(before);
      expect(await ledgerRowsForOrder((broken.payload as { orderId: string }).orderId)).toBe(0);
      expect(await handle.count('select count(*) from inbox_messages where message_id = $1', [broken.id])).toBe(0);
    },
  );

  it('when an unknown dead letter is shown or replayed, then 404', async () => {
    const missing = randomUUID();
    expect((await service.app.inject({ method: 'GET', url: `/internal/dead-letters/${missing}` })).statusCode).toBe(404);
    expect((await replay(missing)).statusCode).toBe(404);
    expect((await service.app.inject({ method: 'GET', url: '/internal/dead-letters/not-a-uuid' })).statusCode).toBe(400);
  });

  it('when the OpenAPI document is generated, then the message intake route is not in it', async () => {
    const docs = (await service.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(docs.paths)).not.toContain('/internal/messages');
    expect(Object.keys(docs.paths)).toContain('/internal/dead-letters');
  });

  it('when a consumed message is counted, then messages_consumed_total reports it by type and outcome', async () => {
    const metrics = await service.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/messages_consumed_total\{type="account\.DebitAccount\.v1",outcome="processed",service="account"\} \d+/);
    expect(metrics.body).toMatch(/messages_consumed_total\{type="unknown",outcome="dead-lettered",service="account"\} \d+/);
  });
});
