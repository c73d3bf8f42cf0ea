import { messageFlows, PUBLIC_ROUTES } from '@ordering/contracts';
import { stoppedAfterEachTest } from '@ordering/testing';
import { describe, expect, it } from 'vitest';
import { bearer } from './support/gateway-harness.js';
import { startHangingReplica, startMetricsReplica } from './support/metrics-replica.js';
import { refusingUrl } from './support/upstream-server.js';
import { useGatewayStarter } from './support/use-gateway.js';

const { start: startGateway } = useGatewayStarter();
const { start: startReplica } = stoppedAfterEachTest(startMetricsReplica, (replica) => replica.close());
const { start: startHanging } = stoppedAfterEachTest(startHangingReplica, (replica) => replica.close());

const SYSTEM = '/api/admin/system';

interface ReplicaJson {
  url: string;
  ready: boolean;
  outboxBacklog: number | null;
  deadLetters: number | null;
  messagesPerSecond: number | null;
  throughput: { at: string; messagesPerSecond: number }[];
  error: string | null;
}

interface SystemJson {
  sampledAt: string;
  services: { name: string; replicas: ReplicaJson[] }[];
  flows: { type: string; from: string; to: string }[];
  routes: { from: string; to: string; routes: number }[];
}

const viewAsAdmin = async (gateway: Awaited<ReturnType<typeof startGateway>>) => {
  const token = await gateway.tokens.issue({ role: 'admin' });
  return gateway.app.inject({ method: 'GET', url: SYSTEM, headers: bearer(token) });
};

const replicasOf = (view: SystemJson, service: string): ReplicaJson[] =>
  view.services.find((entry) => entry.name === service)?.replicas ?? [];

describe('GET /api/admin/system access', () => {
  it('when no token is given, then 401 problem+json and no replica is scraped', async () => {
    const replica = await startReplica();
    const gateway = await startGateway({ upstreamUrls: { order: replica.url } });

    const response = await gateway.app.inject({ method: 'GET', url: SYSTEM });

    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 401 });
    expect(replica.scrapes).toBe(0);
  });

  it('when a customer token is given, then 403 problem+json', async () => {
    const gateway = await startGateway();
    const token = await gateway.tokens.issue({ role: 'customer' });

    const response = await gateway.app.inject({ method: 'GET', url: SYSTEM, headers: bearer(token) });

    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 403 });
  });
});

describe('GET /api/admin/system', () => {
  it('when a replica is ready, then it is listed under its service with its backlog, dead letters and no rate yet', async () => {
    const replica = await startReplica();
    Object.assign(replica, { outboxPending: 12, deadLetters: { http: 1, rabbitmq: 2 }, consumed: 40 });
    const gateway = await startGateway({ upstreamUrls: { order: replica.url } });

    const response = await viewAsAdmin(gateway);

    expect(response.statusCode).toBe(200);
    const view = response.json<SystemJson>();
    expect(Number.isNaN(Date.parse(view.sampledAt))).toBe(false);
    expect(view.services.map((service) => service.name)).toEqual(['customer', 'order', 'account', 'orchestrator']);
    expect(replicasOf(view, 'order')).toEqual([
      { url: replica.url, ready: true, outboxBacklog: 12, deadLetters: 3, messagesPerSecond: null, throughput: [], error: null },
    ]);
  });

  it('when viewed, then the flows are the message catalog and the routes the public routes per upstream', async () => {
    const gateway = await startGateway();

    const view = (await viewAsAdmin(gateway)).json<SystemJson>();

    expect(view.flows).toEqual(messageFlows().map(({ type, from, to }) => ({ type, from, to })));
    const routesTo = (service: string) => PUBLIC_ROUTES.filter((route) => route.upstream === service).length;
    expect(view.routes).toEqual(
      ['customer', 'order', 'account', 'orchestrator'].map((service) => ({ from: 'gateway', to: service, routes: routesTo(service) })),
    );
    expect(view.routes.every((route) => route.routes > 0)).toBe(true);
  });

  it(
    'when the sampler has read the counter twice (10 s apart), then the rate and its point are in the view',
    { timeout: 60_000 },
    async () => {
      const replica = await startReplica();
      replica.consumed = 100;
      const gateway = await startGateway({ upstreamUrls: { order: replica.url } });
      await viewAsAdmin(gateway);
      replica.consumed = 150;

      await expect
        .poll(async () => replicasOf((await viewAsAdmin(gateway)).json<SystemJson>(), 'order')[0]?.messagesPerSecond, {
          timeout: 40_000,
          interval: 500,
        })
        .not.toBeNull();

      const [sampled] = replicasOf((await viewAsAdmin(gateway)).json<SystemJson>(), 'order');
      // 50 messages over the round's 10 s, give or take a busy machine's timer lag.
      expect(sampled?.messagesPerSecond).toBeGreaterThan(3);
      expect(sampled?.messagesPerSecond).toBeLessThanOrEqual(5.5);
      expect(sampled?.throughput).toEqual([{ at: expect.any(String), messagesPerSecond: sampled?.messagesPerSecond }]);
      expect(Number.isNaN(Date.parse(sampled?.throughput[0]?.at ?? ''))).toBe(false);
    },
  );

  it('when a replica refuses connections, then it is not ready, its numbers null and its error one line', async () => {
    const live = await startReplica();
    const down = await refusingUrl();
    const gateway = await startGateway({ upstreamUrls: { account: `${live.url},${down}` } });

    const view = (await viewAsAdmin(gateway)).json<SystemJson>();

    const [first, second] = replicasOf(view, 'account');
    expect(first).toMatchObject({ url: live.url, ready: true, error: null });
    expect(second).toEqual({
      url: down,
      ready: false,
      outboxBacklog: null,
      deadLetters: null,
      messagesPerSecond: null,
      throughput: [],
      error: 'GET /readyz: could not connect',
    });
  });

  it('when a replica hangs (accepts, never answers), then the view still answers within the 2 s scrape timeout', async () => {
    const hanging = await startHanging();
    const gateway = await startGateway({ upstreamUrls: { orchestrator: hanging.url } });

    const startedAt = performance.now();
    const response = await viewAsAdmin(gateway);

    expect(response.statusCode).toBe(200);
    // 2 s plus room for a loaded machine.
    expect(performance.now() - startedAt).toBeLessThan(8_000);
    expect(replicasOf(response.json<SystemJson>(), 'orchestrator')).toEqual([
      expect.objectContaining({ url: hanging.url, ready: false, outboxBacklog: null, error: 'GET /readyz: no answer within 2000 ms' }),
    ]);
  });

  it('when a replica serves something other than Prometheus text, then its numbers are null and the error names the line', async () => {
    // The harness's echo servers answer /metrics with JSON.
    const gateway = await startGateway();

    const view = (await viewAsAdmin(gateway)).json<SystemJson>();

    const [echo] = replicasOf(view, 'customer');
    expect(echo).toMatchObject({ ready: true, outboxBacklog: null, deadLetters: null, messagesPerSecond: null });
    expect(echo?.error).toMatch(/^GET \/metrics: line 1: /);
  });

  it('when the merged API reference is fetched, then it documents the route for admins', async () => {
    const gateway = await startGateway();

    const document = (await gateway.app.inject({ method: 'GET', url: '/docs/json' })).json();

    expect(document.paths[SYSTEM].get).toMatchObject({ tags: ['admin'], security: [{ bearerAuth: [] }] });
    expect(Object.keys(document.paths[SYSTEM].get.responses)).toEqual(['200', '401', '403']);
  });
});
