import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type Customer, type LedgerEntry, type Page } from './support/api-client.js';
import { aCustomer, anIdempotencyKey, E2E_ADMIN, uniqueSuffix } from './support/builders.js';
import {
  expectAccountShape,
  expectCustomerShape,
  expectLedgerEntryShape,
  expectLedgerMatchesBalance,
  expectMenuItemShape,
  expectProblem,
  expectStatus,
} from './support/expectations.js';
import { decodeJwt, JWT_SHAPE } from './support/jwt.js';
import { SERVICE_NAMES } from './support/system.js';
import { useSystemPerSuite } from './support/system-per-suite.js';

/** The public contract (docs/api.md), checked through the gateway exactly as a client sees it. */
describe('public API contract through the gateway', () => {
  const { running, api } = useSystemPerSuite();

  describe('registration and tokens', () => {
    const mixedCase = aCustomer();
    mixedCase.email = `E2E.Mixed-${uniqueSuffix()}@Example.COM`;
    let registered: Customer;

    it('when a customer registers, then the answer is 201 with a Customer whose email is returned as given', async () => {
      const response = await api.register(mixedCase);
      expectStatus(response, 201);
      expect(response.headers.get('content-type')).toMatch(/^application\/json\b/);
      expectCustomerShape(response.body);
      expect(response.body).toMatchObject({ name: mixedCase.name, email: mixedCase.email, role: 'customer' });
      expect(response.body).not.toHaveProperty('password');
      expect(response.body).not.toHaveProperty('passwordHash');
      registered = response.body;
    });

    it('when the same email registers again in another case, then the answer is 409 EMAIL_TAKEN', async () => {
      const response = await api.register({ ...aCustomer(), email: mixedCase.email.toLowerCase() });
      expectProblem(response, 409, 'EMAIL_TAKEN');
      const upper = await api.register({ ...aCustomer(), email: mixedCase.email.toUpperCase() });
      expectProblem(upper, 409, 'EMAIL_TAKEN');
    });

    it('when the customer asks for a token, then the answer is a Bearer access token for them', async () => {
      const response = await api.login(mixedCase.email, mixedCase.password);
      expectStatus(response, 200);
      expect(response.body).toEqual({ accessToken: expect.stringMatching(JWT_SHAPE), tokenType: 'Bearer', expiresIn: expect.any(Number) });
      expect(Number.isInteger(response.body.expiresIn) && response.body.expiresIn > 0).toBe(true);
      const { header, claims } = decodeJwt(response.body.accessToken);
      expect(header['alg']).toMatch(/^(ES256|EdDSA)$/);
      expect(claims).toMatchObject({ sub: registered.id, role: 'customer', exp: expect.any(Number) });
    });

    it('when the customer logs in with the email in another case, then the login succeeds', async () => {
      const response = await api.login(mixedCase.email.toLowerCase(), mixedCase.password);
      expectStatus(response, 200);
      expect(decodeJwt(response.body.accessToken).claims['sub']).toBe(registered.id);
    });

    it('when the password is wrong or the email unknown, then the answer is 401 INVALID_CREDENTIALS', async () => {
      expectProblem(await api.login(mixedCase.email, `${mixedCase.password}x`), 401, 'INVALID_CREDENTIALS');
      expectProblem(await api.login(`nobody-${uniqueSuffix()}@example.com`, mixedCase.password), 401, 'INVALID_CREDENTIALS');
    });

    it('when the customer asks who they are, then the answer is their Customer', async () => {
      const login = await api.login(mixedCase.email, mixedCase.password);
      const response = await api.me(login.body.accessToken);
      expectStatus(response, 200);
      expect(response.body).toEqual(registered);
    });

    it('when no token is sent to an authenticated route, then the answer is 401 UNAUTHENTICATED', async () => {
      for (const path of ['/api/customers/me', '/api/accounts/me', '/api/accounts/me/entries', '/api/orders']) {
        expectProblem(await api.get(path), 401, 'UNAUTHENTICATED');
      }
      expectProblem(await api.post('/api/accounts/me/deposits', { json: { amount: 100 } }), 401, 'UNAUTHENTICATED');
    });
  });

  describe('menu', () => {
    it('when anyone reads the menu, then it lists at least 4 foods and 4 drinks priced in whole yen', async () => {
      const response = await api.menu();
      expectStatus(response, 200);
      const { items } = response.body;
      items.forEach(expectMenuItemShape);
      expect(items.filter((item) => item.kind === 'food').length).toBeGreaterThanOrEqual(4);
      expect(items.filter((item) => item.kind === 'drink').length).toBeGreaterThanOrEqual(4);
      expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
    });
  });

  describe('accounts and deposits', () => {
    let token: string;
    let customer: Customer;

    beforeAll(async () => {
      ({ token, customer } = await api.signUp(aCustomer()));
    });

    it('when a fresh customer reads their account, then it exists with balance 0', async () => {
      const response = await api.account(token);
      expectStatus(response, 200);
      expectAccountShape(response.body);
      expect(response.body).toMatchObject({ customerId: customer.id, balance: 0, currency: 'JPY' });
      const entries = await api.entries(token);
      expectStatus(entries, 200);
      expect(entries.body).toEqual({ items: [], nextCursor: null });
    });

    it('when the customer deposits, then the answer is 201 with the account and the DEPOSIT entry', async () => {
      const response = await api.deposit(token, 1500);
      expectStatus(response, 201);
      expectAccountShape(response.body.account);
      expectLedgerEntryShape(response.body.entry);
      expect(response.body.account).toMatchObject({ customerId: customer.id, balance: 1500, currency: 'JPY' });
      expect(response.body.entry).toMatchObject({ kind: 'DEPOSIT', amount: 1500, balanceAfter: 1500 });
      expect(response.body.entry).not.toHaveProperty('orderId');
      expect(Object.keys(response.body).sort()).toEqual(['account', 'entry']);
    });

    it('when a deposit is repeated with the same Idempotency-Key and body, then the answer is the same and the ledger holds one entry for it', async () => {
      const key = anIdempotencyKey();
      const before = await api.allEntries(token);
      const first = await api.deposit(token, 700, key);
      expectStatus(first, 201);
      const replay = await api.deposit(token, 700, key);
      expectStatus(replay, 201);
      expect(replay.body).toEqual(first.body);
      const after = await api.allEntries(token);
      expect(after).toHaveLength(before.length + 1);
      expect(after.filter((entry) => entry.id === first.body.entry.id)).toHaveLength(1);
      const account = await api.account(token);
      expect(account.body.balance).toBe(first.body.account.balance);
    });

    it('when the same Idempotency-Key comes with another body, then the answer is 422 IDEMPOTENCY_KEY_REUSED and nothing is deposited', async () => {
      const key = anIdempotencyKey();
      expectStatus(await api.deposit(token, 300, key), 201);
      const balance = (await api.account(token)).body.balance;
      expectProblem(await api.deposit(token, 301, key), 422, 'IDEMPOTENCY_KEY_REUSED');
      expect((await api.account(token)).body.balance).toBe(balance);
    });

    it('when another customer uses the same Idempotency-Key, then their deposit is their own', async () => {
      const key = anIdempotencyKey();
      const first = await api.deposit(token, 50, key);
      expectStatus(first, 201);
      const other = await api.signUp(aCustomer());
      const theirs = await api.deposit(other.token, 50, key);
      expectStatus(theirs, 201);
      expect(theirs.body.entry.id).not.toBe(first.body.entry.id);
      expect(theirs.body.account).toMatchObject({ customerId: other.customer.id, balance: 50 });
    });

    it('when the ledger is paged, then entries come newest first and nextCursor walks every entry exactly once', async () => {
      const fresh = await api.signUp(aCustomer());
      const amounts = [11, 22, 33, 44, 55];
      for (const amount of amounts) expectStatus(await api.deposit(fresh.token, amount), 201);
      const pages: Array<Page<LedgerEntry>> = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i += 1) {
        const page = await api.entries(fresh.token, { limit: 2, ...(cursor === undefined ? {} : { cursor }) });
        expectStatus(page, 200);
        pages.push(page.body);
        if (page.body.nextCursor === null) break;
        expect(typeof page.body.nextCursor).toBe('string');
        cursor = page.body.nextCursor;
      }
      expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
      const walked = pages.flatMap((page) => page.items);
      walked.forEach(expectLedgerEntryShape);
      expect(walked.map((entry) => entry.amount)).toEqual([...amounts].reverse());
      expect(walked.map((entry) => entry.balanceAfter)).toEqual([165, 110, 66, 33, 11]);
      expect(new Set(walked.map((entry) => entry.id)).size).toBe(walked.length);
      const createdAt = walked.map((entry) => Date.parse(entry.createdAt));
      expect(createdAt).toEqual([...createdAt].sort((a, b) => b - a));
      const defaultPage = await api.entries(fresh.token);
      expect(defaultPage.body).toEqual({ items: walked, nextCursor: null });
    });

    it('when the deposits are summed, then the balance equals the ledger', async () => {
      const account = await api.account(token);
      expectLedgerMatchesBalance(account.body.balance, await api.allEntries(token));
    });
  });

  describe('orders', () => {
    let token: string;

    beforeAll(async () => {
      ({ token } = await api.signUp(aCustomer()));
    });

    it('when a customer without orders lists them, then the page is empty', async () => {
      const response = await api.get('/api/orders', { token });
      expectStatus(response, 200);
      expect(response.body).toEqual({ items: [], nextCursor: null });
    });

    it('when a customer reads an order id that does not exist, then the answer is 404 NOT_FOUND', async () => {
      expectProblem(await api.get(`/api/orders/${randomUUID()}`, { token }), 404, 'NOT_FOUND');
    });
  });

  describe('admin', () => {
    it('when the development admin logs in, then their token and profile carry role admin', async () => {
      const login = await api.login(E2E_ADMIN.email, E2E_ADMIN.password);
      expectStatus(login, 200);
      expect(decodeJwt(login.body.accessToken).claims['role']).toBe('admin');
      const me = await api.me(login.body.accessToken);
      expectStatus(me, 200);
      expect(me.body).toMatchObject({ email: E2E_ADMIN.email, role: 'admin' });
    });

    it('when a customer lists the sagas, then the answer is 403 FORBIDDEN', async () => {
      const { token } = await api.signUp(aCustomer());
      expectProblem(await api.get('/api/admin/sagas', { token }), 403, 'FORBIDDEN');
    });

    it('when nobody is logged in and lists the sagas, then the answer is 401', async () => {
      expectProblem(await api.get('/api/admin/sagas'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('login throttling', () => {
    // Each test logs in as a client of its own: the gateway appends the caller's address to x-forwarded-for, and the
    // customer service believes that header from loopback (TRUSTED_PROXIES). Here the caller is on loopback too, so
    // the address the test puts in front is the one counted; in production it is the real caller's.
    const loginFrom = (client: string, email: string, password: string) =>
      api.post<{ accessToken: string }>('/api/auth/token', { json: { email, password }, headers: { 'x-forwarded-for': client } });
    const aClient = (): string => `198.51.100.${1 + Math.floor(Math.random() * 254)}`;

    const expectThrottled = (response: Awaited<ReturnType<typeof loginFrom>>): void => {
      expectProblem(response, 429, 'RATE_LIMITED');
      expect(response.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    };

    it('when an account got 5 wrong passwords, then the next login is 429 with Retry-After, the right password included, and an unknown email alike', async () => {
      const customer = aCustomer();
      expectStatus(await api.register(customer), 201);
      const unknown = `nobody-${uniqueSuffix()}@example.com`;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        expectProblem(await loginFrom(aClient(), customer.email, `wrong ${attempt}`), 401, 'INVALID_CREDENTIALS');
        expectProblem(await loginFrom(aClient(), unknown, `wrong ${attempt}`), 401, 'INVALID_CREDENTIALS');
      }

      const known = await loginFrom(aClient(), customer.email, customer.password);
      const notRegistered = await loginFrom(aClient(), unknown, customer.password);

      expectThrottled(known);
      expectThrottled(notRegistered);
      const { instance: _a, ...knownProblem } = known.body as Record<string, unknown>;
      const { instance: _b, ...unknownProblem } = notRegistered.body as Record<string, unknown>;
      expect(unknownProblem).toEqual(knownProblem);
    });

    it('when one client failed for 10 emails, then it is refused for any email while the customer logs in from another client', async () => {
      const customer = aCustomer();
      expectStatus(await api.register(customer), 201);
      const attacker = '203.0.113.66';
      for (let index = 0; index < 10; index += 1) {
        expectProblem(await loginFrom(attacker, `sprayed-${uniqueSuffix()}@example.com`, 'a guess'), 401, 'INVALID_CREDENTIALS');
      }

      expectThrottled(await loginFrom(attacker, customer.email, customer.password));
      expectStatus(await loginFrom('203.0.113.67', customer.email, customer.password), 200);
    });
  });

  describe('routing, headers and documentation', () => {
    let token: string;

    beforeAll(async () => {
      ({ token } = await api.signUp(aCustomer()));
    });

    const unknownRoutes: Array<[string, string]> = [
      ['GET', '/api/nothing-here'],
      ['GET', '/api/customers/me/extra'],
      ['DELETE', '/api/customers/me'],
      ['PUT', '/api/accounts/me'],
      ['POST', '/api/menu'],
      ['GET', '/internal/anything'],
      ['GET', '/.well-known/jwks.json'],
      ['GET', '/'],
    ];

    it.each(unknownRoutes)('when %s %s is requested without a token, then the answer is 404', async (method, path) => {
      expectProblem(await api.request(method, path), 404, 'NOT_FOUND');
    });

    it.each(unknownRoutes)('when %s %s is requested with a valid token, then the answer is 404', async (method, path) => {
      expectProblem(await api.request(method, path, { token }), 404, 'NOT_FOUND');
    });

    it('when an unknown route is requested with an invalid token, then the answer is still 404', async () => {
      expectProblem(await api.get('/api/nothing-here', { token: 'not-a-jwt' }), 404, 'NOT_FOUND');
    });

    it('when the client sends an x-request-id, then the response carries exactly that id', async () => {
      const id = `e2e-${uniqueSuffix()}`;
      const response = await api.get('/api/menu', { headers: { 'x-request-id': id } });
      expectStatus(response, 200);
      expect(response.headers.get('x-request-id')).toBe(id);
    });

    it('when a W3C traceparent is sent, then the request is answered normally', async () => {
      const traceparent = `00-${randomUUID().replaceAll('-', '')}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`;
      expectStatus(await api.get('/api/menu', { headers: { traceparent, tracestate: 'e2e=1' } }), 200);
      expectStatus(await api.get('/api/customers/me', { token, headers: { traceparent } }), 200);
      expectStatus(await api.post('/api/accounts/me/deposits', { json: { amount: 10 }, token, headers: { traceparent } }), 201);
    });

    it('when a malformed traceparent is sent, then the request is answered normally', async () => {
      for (const traceparent of [
        'garbage',
        '00-00000000000000000000000000000000-0000000000000000-01',
        `ff-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
      ]) {
        expectStatus(await api.get('/api/menu', { headers: { traceparent } }), 200);
        expectStatus(await api.get('/api/customers/me', { token, headers: { traceparent } }), 200);
      }
    });

    it('when the gateway health endpoints are asked, then both answer 200', async () => {
      expectStatus(await api.get('/healthz'), 200);
      expectStatus(await api.get('/readyz'), 200);
    });

    it('when /docs/json is read, then it is an OpenAPI document with every /api route of the four services', async () => {
      const response = await api.get<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('/docs/json');
      expectStatus(response, 200);
      expect(response.body.openapi).toMatch(/^3\./);
      const merged = response.body.paths;
      for (const path of Object.keys(merged)) expect(path, 'only /api/ paths are published').toMatch(/^\/api\//);
      const documented = [
        ['post', '/api/customers'],
        ['post', '/api/auth/token'],
        ['get', '/api/customers/me'],
        ['get', '/api/menu'],
        ['get', '/api/orders'],
        ['get', '/api/orders/{id}'],
        ['get', '/api/accounts/me'],
        ['post', '/api/accounts/me/deposits'],
        ['get', '/api/accounts/me/entries'],
      ] as const;
      for (const [method, path] of documented) expect(merged[path], `${method.toUpperCase()} ${path} in /docs/json`).toHaveProperty(method);
      // Whatever a service publishes under /api (the orchestrator's routes included, once it has some) is merged.
      const { serviceUrls } = running();
      for (const service of SERVICE_NAMES) {
        const own = await new ApiClient(serviceUrls[service]).get<{ paths?: Record<string, Record<string, unknown>> }>('/docs/json');
        expectStatus(own, 200);
        for (const [path, operations] of Object.entries(own.body.paths ?? {})) {
          if (!path.startsWith('/api/')) continue;
          for (const method of Object.keys(operations))
            expect(merged[path], `${service}: ${method.toUpperCase()} ${path} in the merged /docs/json`).toHaveProperty(method);
        }
      }
    });

    it('when /docs is opened, then it is an HTML page', async () => {
      const response = await api.get('/docs');
      expectStatus(response, 200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html\b/);
      expect(response.text).toMatch(/<html/i);
    });

    it('when any request of this file was answered, then the response carried an x-request-id', () => {
      expect(api.seen.length).toBeGreaterThan(40);
      const missing = api.seen.filter((seen) => seen.requestId === null || seen.requestId === '');
      expect(missing, JSON.stringify(missing)).toEqual([]);
    });

    it('when any request of this file failed, then its body was problem+json', () => {
      const notProblem = api.seen.filter((seen) => seen.status >= 400 && !/^application\/problem\+json\b/.test(seen.contentType ?? ''));
      expect(notProblem, JSON.stringify(notProblem)).toEqual([]);
    });
  });

  it('when the file is done, then no process was restarted and every /readyz is 200', async () => {
    const state = running().state();
    expect(
      state.processes.filter((entry) => entry.restarts !== 0),
      JSON.stringify(state.processes),
    ).toEqual([]);
    expect(state.status).toBe('ready');
    await running().waitUntilReady(10_000);
  });

  it('when the suite runs with TEST_DATABASE_URL, then the system uses that server and no embedded PostgreSQL', () => {
    const sys = running();
    const hasEmbedded = sys.state().processes.some((entry) => entry.name === 'postgres');
    expect(hasEmbedded, `externalPostgres=${sys.externalPostgres}`).toBe(!sys.externalPostgres);
    const usingExternal = sys.logs().some((line) => /^launcher\s*\| using the PostgreSQL server at /.test(line));
    expect(usingExternal).toBe(sys.externalPostgres);
  });
});
