import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiClient, type ApiResponse, type Saga } from './support/api-client.js';
import { aCustomer, E2E_ADMIN } from './support/builders.js';
import { expectStatus } from './support/expectations.js';
import { HTTP_PROCESS_NAMES, SERVICE_NAMES, type LogLine } from './support/system.js';
import { useSystemPerSuite } from './support/system-per-suite.js';
import { isProductionMode, testRedisUrl } from './support/infrastructure.js';
import { terminalSagaOf } from './support/sagas.js';
import { eventually } from './support/wait.js';

/** Metrics, one structured log line per request, and no secrets in any captured output. */
describe('observability', () => {
  const { running, api } = useSystemPerSuite();
  /** Every password and token this file sent; none may appear in any captured line. */
  const secrets = new Set<string>();

  const signUp = async (): Promise<{ token: string; email: string }> => {
    const details = aCustomer();
    secrets.add(details.password);
    const { token } = await api.signUp(details);
    secrets.add(token);
    return { token, email: details.email };
  };

  /** The `request completed` lines that carry this request id, by process. */
  const completedLines = (requestId: string): LogLine[] =>
    running()
      .logLines()
      .filter((line) => line.json !== undefined && line.json['msg'] === 'request completed' && line.text.includes(requestId));

  /** `order#1` (a replica) -> `order`: a request is logged once by whichever replica served it. */
  const serviceOf = (process: string): string => process.replace(/#\d+$/, '');

  const countByProcess = (lines: readonly LogLine[]): Record<string, number> =>
    lines.reduce<Record<string, number>>(
      (counts, line) => ({ ...counts, [serviceOf(line.process)]: (counts[serviceOf(line.process)] ?? 0) + 1 }),
      {},
    );

  /**
   * Waits until each named process logged the request, then sends one more request along the same path and waits
   * for its lines too: a process writes its lines in order, so once the later request is logged, any duplicate line
   * of the earlier one would already be in the capture. With replicas, one later request per replica (the gateway
   * takes them in turn). No sleeping, no timing assumption.
   */
  const settledLines = async (
    requestId: string,
    processes: readonly string[],
    send: (id: string) => Promise<ApiResponse>,
  ): Promise<LogLine[]> => {
    const logged = (id: string): Promise<true> =>
      eventually(
        async () => {
          const counts = countByProcess(completedLines(id));
          return processes.every((name) => (counts[name] ?? 0) >= 1) ? true : undefined;
        },
        {
          what: `a "request completed" line for ${id} from ${processes.join(' and ')}`,
          timeoutMs: 15_000,
          intervalMs: 100,
          context: () => running().tail(40),
        },
      );
    await logged(requestId);
    for (let replica = 0; replica < running().replicas; replica += 1) {
      const barrier = `e2e-barrier-${randomUUID()}`;
      await send(barrier);
      await logged(barrier);
    }
    return completedLines(requestId);
  };

  const expectOneLinePerProcess = (lines: readonly LogLine[], processes: readonly string[], response: ApiResponse): void => {
    const what = lines.map((line) => `${line.process} | ${line.text}`).join('\n');
    expect(countByProcess(lines), what).toEqual(Object.fromEntries(processes.map((name) => [name, 1])));
    for (const line of lines) {
      const record = line.json ?? {};
      expect(record, what).toMatchObject({
        service: serviceOf(line.process),
        level: 'info',
        time: expect.any(String),
        msg: 'request completed',
      });
      expect(Number.isNaN(Date.parse(String(record['time']))), `time of ${line.text}`).toBe(false);
      expect(record['status'], what).toBe(response.status);
      expect(record['method'], what).toBe(response.method);
    }
  };

  describe('metrics', () => {
    /** Every replica's metrics of a service: the gateway takes replicas in turn, so any of them may have served a request. */
    const metricsOf = async (service: string): Promise<string> => {
      const replicas = running()
        .state()
        .processes.filter((entry) => serviceOf(entry.name) === service && entry.url !== null);
      const texts = await Promise.all(replicas.map(async (entry) => (await new ApiClient(entry.url as string).get('/metrics')).text));
      return texts.join('\n');
    };
    const orderMetrics = (): Promise<string> => metricsOf('order');

    it.each(HTTP_PROCESS_NAMES)(
      'when %s is asked for /metrics directly, then it exposes the request duration histogram and process metrics',
      async (name) => {
        // Make sure each service has served at least one request of its own.
        await api.menu();
        // The gateway's public port serves no /metrics: its own listener does.
        const url = name === 'gateway' ? running().state().gatewayMetricsUrl : running().serviceUrls[name];
        const response = await new ApiClient(url).get('/metrics');
        expectStatus(response, 200);
        expect(response.headers.get('content-type')).toMatch(/^text\/plain\b/);
        expect(response.text).toContain('# TYPE http_server_request_duration_seconds histogram');
        expect(response.text).toMatch(/^http_server_request_duration_seconds_bucket\{/m);
        expect(response.text).toMatch(/^process_cpu_seconds_total\b/m);
        expect(response.text).toMatch(/^process_resident_memory_bytes\b/m);
        expect(response.text).toMatch(/^nodejs_eventloop_lag_seconds\b/m);
        expect(response.text).toContain(`service="${name}"`);
      },
    );

    it("when /metrics is asked on the gateway's public port, then it is a 404", async () => {
      const response = await api.get('/metrics');

      expectStatus(response, 404);
      expect(response.text).not.toContain('http_server_request_duration_seconds');
    });

    it.runIf(testRedisUrl() !== undefined)(
      'when the system runs with TEST_REDIS_URL, then the gateway keeps its rate-limit counts in that Redis',
      async () => {
        const metrics = new ApiClient(running().state().gatewayMetricsUrl);
        await eventually(
          async () => ((await metrics.get('/metrics')).text.match(/^rate_limit_store_connected\{[^}]*\} 1$/m) ? true : undefined),
          {
            what: 'the gateway to report rate_limit_store_connected 1',
            timeoutMs: 30_000,
            context: () => running().tail(40),
          },
        );
        expectStatus(await api.menu(), 200);
        expect((await metrics.get('/metrics')).text).not.toMatch(/^rate_limit_store_bypassed_total\{[^}]*\} [1-9]/m);
      },
    );

    it('when the menu was served through the gateway, then the order service counts it under its route template', async () => {
      expectStatus(await api.menu(), 200);
      expect(await orderMetrics()).toMatch(
        /^http_server_request_duration_seconds_count\{[^}]*route="\/api\/menu"[^}]*status="200"[^}]*\} [1-9]/m,
      );
    });

    it('when one checkout completed, then the orchestrator exposes its step durations and saga gauges, and every messaging service its dead letters, publish lag and redeliveries', async () => {
      const { token } = await signUp();
      const item = (await api.menu()).body.items[0];
      if (!item) throw new Error('the menu is empty');
      expectStatus(await api.deposit(token, item.price), 201);
      const checkout = await api.checkoutItems(token, [{ menuItemId: item.id, quantity: 1 }], { wait: 30 });
      expect((await terminalSagaOf(api, token, checkout, { context: () => running().tail(40) })).status).toBe('COMPLETED');

      const orchestrator = await metricsOf('orchestrator');
      expect(orchestrator).toMatch(
        /^saga_step_duration_seconds_count\{[^}]*type="checkout"[^}]*direction="FORWARD",outcome="SUCCEEDED"[^}]*\} [1-9]/m,
      );
      for (const type of ['# TYPE saga_compensations_total counter', '# TYPE sagas_in_flight gauge', '# TYPE sagas_overdue gauge'])
        expect(orchestrator).toContain(type);
      for (const service of ['customer', 'order', 'account', 'orchestrator']) {
        const text = service === 'orchestrator' ? orchestrator : await metricsOf(service);
        for (const type of [
          '# TYPE dead_letters gauge',
          '# TYPE outbox_publish_lag_seconds histogram',
          '# TYPE messages_redelivered_total counter',
        ]) {
          expect(text, `${service} /metrics`).toContain(type);
        }
        // Through RabbitMQ the DLQ of each consuming queue is read too.
        if (isProductionMode()) expect(text, `${service} /metrics`).toMatch(/^dead_letters\{[^}]*transport="rabbitmq"[^}]*\} \d+$/m);
      }
    });

    it('when an order id is read, then the metrics label it by route template, not by the concrete id', async () => {
      const { token } = await signUp();
      const id = randomUUID();
      await api.get(`/api/orders/${id}`, { token });
      const metrics = await orderMetrics();
      expect(metrics).not.toContain(id);
      expect(metrics).toContain('route="/api/orders/:id"');
    });
  });

  describe('request logs', () => {
    it('when a public GET goes through the gateway, then the gateway and the order service each log exactly one line for it', async () => {
      const id = `e2e-menu-${randomUUID()}`;
      const send = (requestId: string) => api.get('/api/menu', { headers: { 'x-request-id': requestId } });
      const response = await send(id);
      expectStatus(response, 200);
      expect(response.headers.get('x-request-id')).toBe(id);
      expectOneLinePerProcess(await settledLines(id, ['gateway', 'order'], send), ['gateway', 'order'], response);
    });

    it('when a deposit goes through the gateway, then the gateway and the account service each log exactly one line for it', async () => {
      const { token } = await signUp();
      const id = `e2e-deposit-${randomUUID()}`;
      const send = (requestId: string) =>
        api.post('/api/accounts/me/deposits', { json: { amount: 5 }, token, headers: { 'x-request-id': requestId } });
      const response = await send(id);
      expectStatus(response, 201);
      expectOneLinePerProcess(await settledLines(id, ['gateway', 'account'], send), ['gateway', 'account'], response);
    });

    it('when a login fails through the gateway, then the gateway and the customer service each log exactly one line for it', async () => {
      const { email } = await signUp();
      const wrong = `wrong-${randomUUID()}`;
      secrets.add(wrong);
      const id = `e2e-login-${randomUUID()}`;
      const send = (requestId: string) =>
        api.post('/api/auth/token', { json: { email, password: wrong }, headers: { 'x-request-id': requestId } });
      const response = await send(id);
      expectStatus(response, 401);
      expectOneLinePerProcess(await settledLines(id, ['gateway', 'customer'], send), ['gateway', 'customer'], response);
    });

    it('when an unknown route is requested, then only the gateway logs it, once', async () => {
      const id = `e2e-unknown-${randomUUID()}`;
      const send = (requestId: string) => api.get('/api/no-such-route', { headers: { 'x-request-id': requestId } });
      const response = await send(id);
      expectStatus(response, 404);
      expectOneLinePerProcess(await settledLines(id, ['gateway'], send), ['gateway'], response);
    });

    it('when a service is called directly, then only that service logs the request, once', async () => {
      const { token } = await signUp();
      const direct = new ApiClient(running().serviceUrls.account);
      const id = `e2e-direct-${randomUUID()}`;
      const send = (requestId: string) => direct.get('/api/accounts/me', { token, headers: { 'x-request-id': requestId } });
      const response = await send(id);
      expectStatus(response, 200);
      expectOneLinePerProcess(await settledLines(id, ['account'], send), ['account'], response);
    });

    it('when services log, then every JSON line carries service, level and time', () => {
      const jsonLines = running()
        .logLines()
        .filter((line) => line.json !== undefined);
      expect(jsonLines.length).toBeGreaterThan(10);
      for (const line of jsonLines) {
        expect(line.json, `${line.process} | ${line.text}`).toMatchObject({
          service: expect.any(String),
          level: expect.any(String),
          time: expect.any(String),
        });
        expect((SERVICE_NAMES as readonly string[]).concat('gateway')).toContain(line.json?.['service']);
      }
    });
  });

  describe('trace ids in logs', () => {
    it("when a checkout comes in without a traceparent and nothing exports spans, then the gateway's and the orchestrator's lines about it carry one trace id, and over HTTP it reaches order and account with its commands", async () => {
      const { token } = await signUp();
      expectStatus(await api.deposit(token, 1000), 201);
      const menu = await api.menu();
      expectStatus(menu, 200);
      const item = menu.body.items[0];
      if (!item) throw new Error('the menu is empty');
      const id = `e2e-trace-${randomUUID()}`;

      const response = await api.post<Saga>('/api/checkout?wait=30', {
        json: { items: [{ menuItemId: item.id, quantity: 1 }] },
        token,
        headers: { 'x-request-id': id },
      });
      expect(response.status, response.text).toBeLessThan(300);

      const requestLines = await settledLines(id, ['gateway', 'orchestrator'], (requestId) =>
        api.get(`/api/checkout/${randomUUID()}`, { token, headers: { 'x-request-id': requestId } }),
      );
      const traceIds = new Set(requestLines.map((line) => line.json?.['traceId']));
      expect([...traceIds], requestLines.map((line) => line.text).join('\n')).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/)]);
      // Saga transitions log at debug; what shows the trace travelling is each participant's line for the command it
      // was pushed over HTTP. Through RabbitMQ there is no such request line (deliveries log at debug).
      if (isProductionMode()) return;
      const traceId = [...traceIds][0];
      await eventually(
        async () => {
          const pushes = running()
            .logLines()
            .filter((line) => line.json?.['route'] === '/internal/messages' && line.json?.['traceId'] === traceId);
          const services = new Set(pushes.map((line) => line.json?.['service']));
          return services.has('order') && services.has('account') ? pushes : undefined;
        },
        {
          what: `order's and account's lines for the commands of trace ${String(traceId)}`,
          timeoutMs: 15_000,
          intervalMs: 100,
          context: () => running().tail(40),
        },
      );
    });
  });

  describe('secrets', () => {
    it('when passwords and tokens were used in bodies, headers and query strings, then no captured line contains any of them', async () => {
      const { token, email } = await signUp();
      const admin = await api.login(E2E_ADMIN.email, E2E_ADMIN.password);
      expectStatus(admin, 200);
      secrets.add(admin.body.accessToken);
      const leakyPassword = `leaky-${randomUUID()}`;
      secrets.add(leakyPassword);

      const attempts: Array<Promise<ApiResponse>> = [
        api.me(token),
        api.me(admin.body.accessToken),
        api.get('/api/admin/sagas', { token: admin.body.accessToken }),
        api.account(token),
        api.deposit(token, 10),
        api.post('/api/auth/token', { json: { email, password: leakyPassword } }),
        api.post('/api/customers', {
          raw: `{"name":"x","email":"${email}","password":"${leakyPassword}"`,
          contentType: 'application/json',
        }),
        api.post('/api/customers', { json: { name: 'x', email: 'not-an-email', password: leakyPassword } }),
        api.post('/api/customers', { json: { name: 'x', email, password: leakyPassword, role: 'admin' } }),
        api.post('/api/auth/token', { raw: `email=${email}&password=${leakyPassword}`, contentType: 'application/x-www-form-urlencoded' }),
        api.get(`/api/menu?password=${encodeURIComponent(leakyPassword)}&access_token=${encodeURIComponent(token)}`),
        api.get(`/api/accounts/me?access_token=${encodeURIComponent(token)}`, { token }),
        api.get('/api/customers/me', { headers: { authorization: `Bearer ${token}x` } }),
        api.get('/api/no-such-route', { token }),
        new ApiClient(running().serviceUrls.customer).get('/api/customers/me', { token }),
        new ApiClient(running().serviceUrls.order).get(`/api/orders?cursor=${encodeURIComponent(token)}`, { token }),
      ];
      for (const attempt of attempts) expect((await attempt).status).toBeLessThan(500);

      // Barriers: once a later request is logged by a process, every earlier line of that process is captured too.
      for (const [service, path] of [
        ['customer', '/api/customers/me'],
        ['order', '/api/orders'],
        ['account', '/api/accounts/me'],
      ] as const) {
        const send = (id: string) => api.get(path, { token, headers: { 'x-request-id': id } });
        const barrier = `e2e-secrets-barrier-${randomUUID()}`;
        await send(barrier);
        await settledLines(barrier, ['gateway', service], send);
      }

      expect(secrets.size).toBeGreaterThan(8);
      const lines = running().logs();
      const leaks: string[] = [];
      for (const secret of secrets) {
        // A token's signature alone is a secret too (the header and claims are not).
        const needles = secret.split('.').length === 3 ? [secret, secret.split('.')[2] ?? secret] : [secret];
        for (const line of lines) if (needles.some((needle) => line.includes(needle))) leaks.push(line);
      }
      expect(leaks, leaks.join('\n')).toEqual([]);
    });
  });
});
