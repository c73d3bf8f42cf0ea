import { request as httpRequest } from 'node:http';
import { CRAFTED_CURSORS } from '@ordering/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Account, ApiResponse, Customer, LedgerEntry, RequestOptions } from './support/api-client.js';
import { aCustomer, anIdempotencyKey, uniqueSuffix, type NewCustomer } from './support/builders.js';
import { describeResponse, expectClientProblem, expectProblem, expectStatus } from './support/expectations.js';
import { HTTP_PROCESS_NAMES } from './support/system.js';
import { useSystemPerSuite } from './support/system-per-suite.js';

/**
 * Hostile and broken input through the gateway: never a 5xx, always an RFC 9457 4xx (or, for SQL metacharacters that
 * are valid strings, a success that stores them literally), and afterwards nothing has changed.
 */

const ONE_MIB = 1024 * 1024;
const JUST_OVER_LIMIT = 64 * 1024 + 1;
const SQL_DROP = "'; DROP TABLE customers; --";
const SQL_OR = '" OR 1=1 --';
const SOME_UUID = '5ef814a2-8284-440c-b8c1-913283d014db';

interface BadCase {
  readonly name: string;
  readonly options: RequestOptions;
  /** The statuses the contract allows; 400 unless said otherwise. */
  readonly statuses?: readonly number[];
  readonly code?: string;
}

const json = (value: unknown): RequestOptions => ({ json: value });
/** `contentType: null` sends no content-type header at all. */
const raw = (text: string | Buffer, contentType: string | null = 'application/json'): RequestOptions => ({
  raw: text,
  ...(contentType === null ? {} : { contentType }),
});
const tooLarge = (name: string, options: RequestOptions): BadCase => ({ name, options, statuses: [413], code: 'PAYLOAD_TOO_LARGE' });
const unsupported = (name: string, options: RequestOptions): BadCase => ({ name, options, statuses: [415] });
/** Valid JSON whose serialisation is just over 64 KiB, padded through an extra field. */
const paddedTo = (bytes: number, body: Record<string, unknown>): string => {
  const base = JSON.stringify({ ...body, padding: '' });
  return JSON.stringify({ ...body, padding: 'x'.repeat(Math.max(bytes - base.length, 0)) });
};
const oneMiBOf = (body: Record<string, unknown>): string => paddedTo(ONE_MIB, body);

/** Malformed JSON and JSON that is not an object: the same for every POST route. */
const malformedBodies = (valid: Record<string, unknown>): BadCase[] => {
  const text = JSON.stringify(valid);
  return [
    { name: 'the JSON is cut off', options: raw(text.slice(0, -1)) },
    { name: 'the JSON has a trailing comma', options: raw(`${text.slice(0, -1)},}`) },
    { name: 'the JSON uses single quotes', options: raw(text.replaceAll('"', "'")) },
    { name: 'the body is two JSON documents', options: raw(`${text}${text}`) },
    { name: 'the body is JSON followed by garbage', options: raw(`${text} garbage`) },
    { name: 'the body is empty', options: raw('') },
    { name: 'the body is whitespace', options: raw('   \n ') },
    { name: 'the body is null', options: raw('null') },
    { name: 'the body is an array', options: json([valid]) },
    { name: 'the body is a number', options: raw('42') },
    { name: 'the body is a string', options: raw('"hello"') },
    { name: 'the body is true', options: raw('true') },
    { name: 'the body is an empty object', options: json({}) },
    { name: 'the body carries __proto__', options: raw(`{"__proto__":{"role":"admin"},${text.slice(1)}`) },
    { name: 'the body carries constructor.prototype', options: raw(`{"constructor":{"prototype":{"role":"admin"}},${text.slice(1)}`) },
    { name: 'the body is deeply nested', options: raw(`{"x":${'['.repeat(5_000)}${']'.repeat(5_000)}}`) },
    { name: 'the body is not UTF-8 JSON at all', options: raw(Buffer.from([0xff, 0xfe, 0x00, 0x7b])) },
    tooLarge('the body is 1 MiB of valid JSON', raw(oneMiBOf(valid))),
    tooLarge('the body is 1 MiB of garbage', raw('a'.repeat(ONE_MIB))),
    tooLarge('the body is just over 64 KiB', raw(paddedTo(JUST_OVER_LIMIT, valid))),
    unsupported('the body is text/plain', raw(text, 'text/plain')),
    unsupported('the body is form-encoded', raw('amount=100&email=a%40b.c', 'application/x-www-form-urlencoded')),
    unsupported('the body is XML', raw('<amount>100</amount>', 'application/xml')),
    unsupported('the body has no content-type', raw(Buffer.from(text), null)),
  ];
};

describe('bad input through the gateway', () => {
  const { running, api } = useSystemPerSuite();
  /** The customer whose account and ledger must not change (except by the literal-metacharacter deposits). */
  let victim: { customer: Customer; token: string; password: string; email: string };
  let accountBefore: Account;
  let ledgerBefore: LedgerEntry[];
  /** Registrations that were refused: none of these emails may exist afterwards. */
  const refusedEmails: Array<{ email: string; password: string }> = [];
  /** Deposits made on purpose (valid requests with metacharacters), so the final balance check knows them. */
  const intendedEntries: LedgerEntry[] = [];

  beforeAll(async () => {
    const details = aCustomer();
    victim = { ...(await api.signUp(details)), email: details.email };
    expectStatus(await api.deposit(victim.token, 1000, anIdempotencyKey()), 201);
    accountBefore = (await api.account(victim.token)).body;
    ledgerBefore = await api.allEntries(victim.token);
  });

  const expectRefused = (response: ApiResponse, badCase: BadCase): void => {
    const problem = expectClientProblem(response, badCase.statuses ?? [400]);
    if (badCase.code !== undefined) expect(problem.code, describeResponse(response)).toBe(badCase.code);
    else if ((badCase.statuses ?? [400]).includes(400) && response.status === 400)
      expect(problem.code, describeResponse(response)).toBe('VALIDATION_FAILED');
  };

  describe('POST /api/customers', () => {
    /** Each case gets its own email, so "nothing was created" can be checked per case afterwards. */
    const registration = (overrides: Partial<NewCustomer> = {}): NewCustomer => aCustomer(overrides);
    const withUnknown = (extra: Record<string, unknown>): BadCase => {
      const body = registration();
      refusedEmails.push({ email: body.email, password: body.password });
      return { name: `the body has the unknown field ${Object.keys(extra).join(', ')}`, options: json({ ...body, ...extra }) };
    };
    const withValues = (name: string, overrides: Record<string, unknown>): BadCase => {
      const body = registration();
      refusedEmails.push({ email: body.email, password: body.password });
      return { name, options: json({ ...body, ...overrides }) };
    };
    const without = (field: keyof NewCustomer): BadCase => {
      const body: Partial<NewCustomer> = registration();
      if (body.email !== undefined && body.password !== undefined) refusedEmails.push({ email: body.email, password: body.password });
      delete body[field];
      return { name: `the body lacks ${field}`, options: json(body) };
    };
    const malformed = (() => {
      const body = registration();
      refusedEmails.push({ email: body.email, password: body.password });
      return malformedBodies({ ...body });
    })();

    const cases: BadCase[] = [
      ...malformed,
      withValues('name is a number', { name: 123 }),
      withValues('name is null', { name: null }),
      withValues('email is an array', { email: ['someone@example.com'] }),
      withValues('password is an object', { password: { value: 'correct horse battery' } }),
      withValues('password is a number', { password: 12_345_678 }),
      withValues('name is empty', { name: '' }),
      withValues('name is 101 characters', { name: 'n'.repeat(101) }),
      withValues('email is not an email', { email: 'not-an-email' }),
      withValues('email is 300 characters', { email: `${'e'.repeat(288)}@example.com` }),
      withValues('password is 7 characters', { password: 'short12' }),
      withValues('password is 201 characters', { password: 'p'.repeat(201) }),
      withValues('name holds a NUL byte', { name: 'a\u0000b' }),
      { name: 'email holds a NUL byte', options: json({ ...registration(), email: `nul\u0000${uniqueSuffix()}@example.com` }) },
      without('name'),
      without('email'),
      without('password'),
      withUnknown({ role: 'admin' }),
      withUnknown({ id: '00000000-0000-0000-0000-000000000000' }),
      withUnknown({ createdAt: '2020-01-01T00:00:00Z' }),
      withUnknown({ isAdmin: true }),
    ];

    it.each(cases.map((badCase) => [badCase.name, badCase] as const))(
      'when %s, then the answer is a 4xx problem',
      async (_name, badCase) => {
        expectRefused(await api.post('/api/customers', badCase.options), badCase);
      },
    );

    it('when a chunked body over 64 KiB is sent, then the answer is 413 PAYLOAD_TOO_LARGE', async () => {
      const response = await sendChunked(`${running().gatewayUrl}/api/customers`, paddedTo(JUST_OVER_LIMIT, { ...registration() }));
      expect(response.status, response.text).toBe(413);
      expect(JSON.parse(response.text)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    });

    it('when name, email and password hold SQL metacharacters, then the customer is registered and they are stored literally', async () => {
      const suffix = uniqueSuffix();
      const hostile = { name: SQL_DROP, email: `o'hara--${suffix}@example.com`, password: `${SQL_OR} ${SQL_DROP}` };
      const registered = await api.register(hostile);
      expectStatus(registered, 201);
      expect(registered.body).toMatchObject({ name: SQL_DROP, email: hostile.email });
      const login = await api.login(hostile.email, hostile.password);
      expectStatus(login, 200);
      const me = await api.me(login.body.accessToken);
      expect(me.body).toEqual(registered.body);
      expectProblem(await api.login(hostile.email, SQL_OR), 401, 'INVALID_CREDENTIALS');
    });

    it('when a name holds other awkward but valid text, then it is stored exactly', async () => {
      for (const name of ['Zoë 🍜 食べる', '<script>alert(1)</script>', '%s %n {{7*7}} ${7*7}', '\\"\'`;--/*']) {
        const registered = await api.register(aCustomer({ name }));
        expectStatus(registered, 201);
        expect(registered.body.name).toBe(name);
      }
    });
  });

  describe('POST /api/auth/token', () => {
    const cases = (): BadCase[] => [
      ...malformedBodies({ email: victim.email, password: victim.password }),
      { name: 'email is a number', options: json({ email: 42, password: victim.password }) },
      { name: 'password is an array', options: json({ email: victim.email, password: [victim.password] }) },
      { name: 'email is null', options: json({ email: null, password: victim.password }) },
      { name: 'the password is missing', options: json({ email: victim.email }) },
      { name: 'the email is missing', options: json({ password: victim.password }) },
      {
        name: 'the right credentials come with an unknown field role',
        options: json({ email: victim.email, password: victim.password, role: 'admin' }),
      },
      {
        name: 'the right credentials come with an unknown field scope',
        options: json({ email: victim.email, password: victim.password, scope: 'admin' }),
      },
      { name: 'the email is an SQL tautology', options: json({ email: "' OR '1'='1", password: "' OR '1'='1" }), statuses: [400, 401] },
      {
        name: 'the email ends in an SQL comment',
        options: json({ email: `${victim.email}' --`, password: 'anything-at-all' }),
        statuses: [400, 401],
      },
      {
        name: 'the password is an SQL tautology',
        options: json({ email: victim.email, password: SQL_OR }),
        statuses: [401],
        code: 'INVALID_CREDENTIALS',
      },
      {
        name: 'the email holds a NUL byte',
        options: json({ email: `${victim.email}\u0000`, password: victim.password }),
        statuses: [400, 401],
      },
    ];

    it('when any malformed, mistyped, oversized or hostile login is sent, then each answer is a 4xx problem and no token is issued', async () => {
      const list = cases();
      expect(list.length).toBeGreaterThan(30);
      for (const badCase of list) {
        const response = await api.post('/api/auth/token', badCase.options);
        expect(response.text, `${badCase.name}: ${describeResponse(response)}`).not.toContain('accessToken');
        expectRefused(response, badCase);
      }
    });
  });

  describe('POST /api/accounts/me/deposits', () => {
    const amounts: Array<[string, unknown]> = [
      ['negative', -1],
      ['zero', 0],
      ['fractional', 1.5],
      ['tiny fractional', 1e-7],
      ['over the maximum', 10_000_001],
      ['enormous', 1e300],
      ['a numeric string', '5000'],
      ['a word', 'abc'],
      ['null', null],
      ['true', true],
      ['an array', [100]],
      ['an object', { value: 100 }],
      ['an SQL fragment', '100; UPDATE accounts SET balance = 1000000'],
    ];

    it.each(amounts)('when the amount is %s, then the answer is 400', async (_name, amount) => {
      expectRefused(await api.deposit(victim.token, amount), { name: String(amount), options: {} });
    });

    const cases = (): BadCase[] => [
      ...malformedBodies({ amount: 100 }),
      { name: 'the JSON amount is negative zero', options: raw('{"amount":-0}') },
      { name: 'the JSON amount is beyond the safe integers', options: raw('{"amount":9007199254740993}') },
      { name: 'the JSON amount has 400 digits', options: raw(`{"amount":${'9'.repeat(400)}}`) },
      { name: 'the JSON amount is NaN', options: raw('{"amount":NaN}') },
      { name: 'the JSON amount is Infinity', options: raw('{"amount":Infinity}') },
      { name: 'the JSON amount is hexadecimal', options: raw('{"amount":0x10}') },
      { name: 'the JSON amount has digit separators', options: raw('{"amount":1_000}') },
      { name: 'the body lacks amount', options: json({}) },
      { name: 'the body has the unknown field currency', options: json({ amount: 100, currency: 'USD' }) },
      { name: 'the body names another customer', options: json({ amount: 100, customerId: '00000000-0000-0000-0000-000000000000' }) },
      { name: 'the body sets the balance', options: json({ amount: 100, balance: 1_000_000 }) },
      {
        name: 'the Idempotency-Key is 256 characters',
        options: { json: { amount: 100 }, headers: { 'idempotency-key': 'k'.repeat(256) } },
      },
    ];

    it('when any malformed, mistyped or oversized deposit is sent, then each answer is a 4xx problem', async () => {
      const list = cases();
      expect(list.length).toBeGreaterThan(30);
      for (const badCase of list) {
        const response = await api.post('/api/accounts/me/deposits', { ...badCase.options, token: victim.token });
        expectRefused(response, badCase);
      }
    });

    it('when an Idempotency-Key holds SQL metacharacters, then it works like any key: one deposit, replayed verbatim', async () => {
      for (const [key, amount] of [
        ["'; DROP TABLE ledger_entries; --", 42],
        [SQL_OR, 43],
      ] as const) {
        const first = await api.deposit(victim.token, amount, key);
        expectStatus(first, 201);
        const replay = await api.deposit(victim.token, amount, key);
        expectStatus(replay, 201);
        expect(replay.body).toEqual(first.body);
        expectProblem(await api.deposit(victim.token, amount + 1, key), 422, 'IDEMPOTENCY_KEY_REUSED');
        intendedEntries.push(first.body.entry);
      }
    });
  });

  describe('queries and paths', () => {
    const entriesQueries = [
      'limit=0',
      'limit=101',
      'limit=-1',
      'limit=1.5',
      'limit=abc',
      'limit=',
      'cursor=',
      'cursor=garbage',
      `cursor=${encodeURIComponent(SQL_OR)}`,
      'cursor=eyJ4IjoxfQ',
    ];
    it.each(entriesQueries)('when the ledger is read with ?%s, then the answer is 400', async (query) => {
      expectRefused(await api.get(`/api/accounts/me/entries?${query}`, { token: victim.token }), { name: query, options: {} });
    });

    const orderQueries = ['status=BOGUS', `status=${encodeURIComponent("APPROVED' OR 1=1 --")}`, 'limit=1000', 'cursor=zzz'];
    it.each(orderQueries)('when the orders are listed with ?%s, then the answer is 400', async (query) => {
      expectRefused(await api.get(`/api/orders?${query}`, { token: victim.token }), { name: query, options: {} });
    });

    // Well-formed cursors holding a date or id PostgreSQL refuses: they must stop at validation, not reach SQL as a 500.
    it.each(CRAFTED_CURSORS)(
      'when a page is asked for with a cursor holding %s, then the ledger and the orders answer 400',
      async (what, cursor) => {
        expectRefused(await api.get(`/api/accounts/me/entries?cursor=${cursor}`, { token: victim.token }), { name: what, options: {} });
        expectRefused(await api.get(`/api/orders?cursor=${cursor}`, { token: victim.token }), { name: what, options: {} });
      },
    );

    const orderIds = ['not-a-uuid', encodeURIComponent("' OR 1=1 --"), '%00', '12345', `urn:uuid:${SOME_UUID}`];
    it.each(orderIds)('when an order is read by the id %s, then the answer is 400 or 404, never a 5xx', async (id) => {
      expectRefused(await api.get(`/api/orders/${id}`, { token: victim.token }), { name: id, options: {}, statuses: [400, 404] });
    });
  });

  describe('afterwards', () => {
    it('when every bad request has been answered, then the victim account and ledger changed only by the intended deposits', async () => {
      const account = await api.account(victim.token);
      expectStatus(account, 200);
      const intended = intendedEntries.reduce((sum, entry) => sum + entry.amount, 0);
      expect(intendedEntries).toHaveLength(2);
      expect(account.body.balance).toBe(accountBefore.balance + intended);
      const ledger = await api.allEntries(victim.token);
      expect(ledger).toEqual([...[...intendedEntries].reverse(), ...ledgerBefore]);
    });

    it('when every bad request has been answered, then the victim still logs in and is unchanged', async () => {
      const login = await api.login(victim.email, victim.password);
      expectStatus(login, 200);
      const me = await api.me(login.body.accessToken);
      expect(me.body).toEqual(victim.customer);
    });

    it('when registrations were refused, then none of those customers exists: they cannot log in and can still register', async () => {
      expect(refusedEmails.length).toBeGreaterThan(15);
      // All of these are failed logins from this one client: from the login throttle's per-client threshold on, the
      // refusal is 429 instead of 401. Either way no token is issued.
      for (const { email, password } of refusedEmails) {
        const response = await api.login(email, password);
        if (response.status === 429) expectProblem(response, 429, 'RATE_LIMITED');
        else expectProblem(response, 401, 'INVALID_CREDENTIALS');
      }
      for (const { email, password } of refusedEmails.slice(0, 5)) {
        expectStatus(await api.register({ name: 'Registered after all', email, password }), 201);
      }
    });

    it('when the whole file ran, then no request was answered with a 5xx', () => {
      const serverErrors = api.seen.filter((seen) => seen.status >= 500);
      expect(serverErrors, JSON.stringify(serverErrors)).toEqual([]);
    });

    it('when the whole file ran, then no process crashed and every /readyz is 200', async () => {
      const state = running().state();
      const restarted = state.processes.filter((entry) => entry.restarts !== 0 || entry.pid === null);
      const evidence = restarted.map((entry) => running().crashReport(entry.name)).join('\n');
      expect(restarted, `${JSON.stringify(state.processes)}\n${evidence}`).toEqual([]);
      expect(state.processes.map((entry) => entry.name)).toEqual(expect.arrayContaining([...HTTP_PROCESS_NAMES]));
      await running().waitUntilReady(10_000);
    });
  });
});

/** fetch cannot send a chunked request body without streams; node:http can. */
const sendChunked = (url: string, body: string): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    for (let offset = 0; offset < body.length; offset += 8_192) request.write(body.slice(offset, offset + 8_192));
    request.end();
  });
