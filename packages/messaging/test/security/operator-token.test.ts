import { randomBytes, randomUUID } from 'node:crypto';
import { TEST_OPERATOR_TOKEN as TOKEN } from '@ordering/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperatorTokenCheck, operatorAuthorization } from '../../src/index.js';
import { aDebitCommand } from '../builders.js';
import {
  ledgerHandler,
  testSignerOf,
  startService,
  startTestDatabase,
  type RunningService,
  type TestDatabaseHandle,
} from '../messaging-harness.js';

/** Every way of not presenting the token: none, another token, the token with a wrong scheme or a suffix. */
const REFUSED_HEADERS: ReadonlyArray<readonly [string, Record<string, string>]> = [
  ['no authorization header', {}],
  ['a wrong token', { authorization: `Bearer ${randomBytes(32).toString('base64url')}` }],
  ['the token with a suffix', { authorization: `Bearer ${TOKEN}x` }],
  ['the token without the Bearer scheme', { authorization: TOKEN }],
  ['the token as Basic credentials', { authorization: `Basic ${TOKEN}` }],
];

const WITH_TOKEN = { authorization: operatorAuthorization(TOKEN) };

let handle: TestDatabaseHandle;
let service: RunningService;

beforeAll(async () => {
  handle = await startTestDatabase();
  service = await startService(handle, { handlers: [ledgerHandler()], operatorToken: TOKEN });
});

afterAll(async () => {
  await service?.close();
  await handle?.close();
});

const push = (body: string, headers: Record<string, string>) =>
  fetch(`${service.url}/internal/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

const traces = async (messageId: string) => ({
  inbox: await handle.count('select count(*) from inbox_messages where message_id = $1', [messageId]),
  ledger: await handle.count('select count(*) from ledger where message_id = $1', [messageId]),
  deadLetters: await handle.count('select count(*) from dead_letters where message_id = $1', [messageId]),
});

const inject = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}) => service.app.inject({ method, url, headers });

describe('the operator routes with an operator token', () => {
  it.each(REFUSED_HEADERS)('when the token check is given %s, then it refuses', (_name, headers) => {
    expect(createOperatorTokenCheck(TOKEN)(headers.authorization)).toBe(false);
  });

  it('when the token check is given the token as a bearer token, then it accepts (the scheme in any case)', () => {
    expect(createOperatorTokenCheck(TOKEN)(`Bearer ${TOKEN}`)).toBe(true);
    expect(createOperatorTokenCheck(TOKEN)(`bearer ${TOKEN}`)).toBe(true);
  });

  it('when a signed push comes without the operator token, then it is processed: the token guards the operator routes only', async () => {
    const command = aDebitCommand();
    const body = JSON.stringify(command);

    const response = await push(body, testSignerOf().headersFor(body));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ outcome: 'processed' });
    expect(await traces(command.id)).toEqual({ inbox: 1, ledger: 1, deadLetters: 0 });
  });

  it('when a push carries the operator token but no signature, then it is refused 401: the token does not stand in for a signature', async () => {
    const command = aDebitCommand();

    const response = await push(JSON.stringify(command), WITH_TOKEN);

    expect(response.status).toBe(401);
    expect(await traces(command.id)).toEqual({ inbox: 0, ledger: 0, deadLetters: 0 });
  });

  it('when the dead-letter and outbox routes are called without the token or with a wrong one, then every one is 401', async () => {
    const id = randomUUID();
    const routes = [
      ['GET', '/internal/dead-letters'],
      ['GET', `/internal/dead-letters/${id}`],
      ['POST', `/internal/dead-letters/${id}/replay`],
      ['GET', '/internal/outbox/dead'],
      ['POST', `/internal/outbox/${id}/retry`],
    ] as const;

    for (const [method, url] of routes) {
      for (const [name, headers] of REFUSED_HEADERS) {
        const response = await inject(method, url, headers);
        expect(response.statusCode, `${method} ${url} with ${name}`).toBe(401);
        expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      }
    }
    const answered = await Promise.all(routes.map(([method, url]) => inject(method, url, WITH_TOKEN)));
    expect(answered.map((response) => response.statusCode)).toEqual([200, 404, 404, 200, 404]);
  });

  it('when a dead letter is replayed or a DEAD outbox row retried without the token, then neither changes', async () => {
    const poison = JSON.stringify(aDebitCommand({}, { amount: -1 }));
    expect((await push(poison, testSignerOf().headersFor(poison))).status).toBe(202);
    const letter = (await inject('GET', '/internal/dead-letters?limit=1', WITH_TOKEN)).json().items[0];
    await handle.enqueue([aDebitCommand()]);
    await handle.database.pool.query("update outbox_messages set status = 'DEAD'");
    const row = (await inject('GET', '/internal/outbox/dead', WITH_TOKEN)).json().items[0];

    expect((await inject('POST', `/internal/dead-letters/${letter.id}/replay`)).statusCode).toBe(401);
    expect((await inject('POST', `/internal/outbox/${row.id}/retry`)).statusCode).toBe(401);

    expect((await inject('GET', `/internal/dead-letters/${letter.id}`, WITH_TOKEN)).json()).toMatchObject({
      attempts: 1,
      replayedAt: null,
    });
    expect(await handle.count("select count(*) from outbox_messages where status = 'DEAD' and id = $1", [row.id])).toBe(1);
    expect((await inject('POST', `/internal/outbox/${row.id}/retry`, WITH_TOKEN)).json()).toEqual({ id: row.id, status: 'PENDING' });
  });
});
