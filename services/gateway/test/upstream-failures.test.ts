import { describe, expect, it } from 'vitest';
import { refusingUrl, type EchoBody } from './support/upstream-server.js';
import { useGatewayStarter, useUpstreamStarter } from './support/use-gateway.js';

const { start: startGateway } = useGatewayStarter();
const { start: startExtraUpstream } = useUpstreamStarter();

describe('replicas', () => {
  it('when an upstream has two replicas, then requests alternate between them', async () => {
    const first = await startExtraUpstream('order-0');
    const second = await startExtraUpstream('order-1');
    const gateway = await startGateway({ upstreamUrls: { order: `${first.url},${second.url}` } });

    const served: string[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await gateway.app.inject({ method: 'GET', url: '/api/menu' });
      served.push(response.json<EchoBody>().upstream);
    }

    expect(served).toEqual(['order-0', 'order-1', 'order-0', 'order-1', 'order-0', 'order-1']);
  });

  it('when one replica refuses connections, then every request, POSTs included, is served by the other', async () => {
    const live = await startExtraUpstream('customer-live');
    const gateway = await startGateway({ upstreamUrls: { customer: `${await refusingUrl()},${live.url}` } });

    for (let i = 0; i < 4; i++) {
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/api/customers',
        headers: { 'content-type': 'application/json' },
        payload: '{"name":"x"}',
      });
      expect(response.statusCode).toBe(200);
      expect(response.json<EchoBody>().upstream).toBe('customer-live');
    }
    expect(live.received).toHaveLength(4);
    expect(live.received.every((request) => request.body?.toString() === '{"name":"x"}')).toBe(true);
  });

  it('when every replica refuses connections, then 503 UPSTREAM_UNAVAILABLE problem+json without internals', async () => {
    const gateway = await startGateway({ upstreamUrls: { order: `${await refusingUrl()},${await refusingUrl()}` } });

    const response = await gateway.app.inject({ method: 'GET', url: '/api/menu' });

    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['x-request-id']).toBeTruthy();
    const problem = response.json();
    expect(problem).toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
    expect(JSON.stringify(problem)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at .*\(/);
  });
});

describe('slow and failing upstreams', () => {
  it('when the upstream answers later than the configured timeout, then 504 UPSTREAM_UNAVAILABLE', async () => {
    // Room for a descheduled test process: the upstream must still have read the request when the timeout fires.
    const gateway = await startGateway({ env: { UPSTREAM_TIMEOUT_MS: '300' } });
    gateway.upstreams.orchestrator.delayMs = 2_000;
    const token = await gateway.tokens.issue();

    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/checkout?wait=30',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{"items":[]}',
    });

    expect(response.statusCode).toBe(504);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 504, code: 'UPSTREAM_UNAVAILABLE' });
    // Not retried: a timed-out POST may have been processed.
    await expect.poll(() => gateway.upstreams.orchestrator.received.length, { timeout: 5_000 }).toBe(1);
  });

  it('when a replica answers 503 to a GET, then it is relayed and not retried', async () => {
    const gateway = await startGateway();

    const response = await gateway.app.inject({
      method: 'GET',
      url: '/api/menu',
      headers: { 'x-test-status': '503', 'x-test-retry-after': '1' },
    });

    expect(response.statusCode).toBe(503);
    expect(gateway.upstreams.order.received).toHaveLength(1);
  });
});

describe('readiness', () => {
  it('when every upstream answers /healthz, then /readyz is 200', async () => {
    const gateway = await startGateway();

    const response = await gateway.app.inject({ method: 'GET', url: '/readyz' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ready', checks: { customer: 'ok', order: 'ok', account: 'ok', orchestrator: 'ok' } });
  });

  it('when one replica of an upstream is down but another answers, then /readyz is still 200', async () => {
    const live = await startExtraUpstream('account-live');
    const gateway = await startGateway({ upstreamUrls: { account: `${await refusingUrl()},${live.url}` } });

    expect((await gateway.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('when no replica of an upstream answers, then /readyz is 503 naming it, while /healthz stays 200', async () => {
    const gateway = await startGateway({ upstreamUrls: { account: await refusingUrl() } });

    const readiness = await gateway.app.inject({ method: 'GET', url: '/readyz' });
    const liveness = await gateway.app.inject({ method: 'GET', url: '/healthz' });

    expect(readiness.statusCode).toBe(503);
    expect(readiness.json()).toMatchObject({ status: 'unavailable', checks: { account: 'no replica answered GET /healthz', order: 'ok' } });
    expect(liveness.statusCode).toBe(200);
  });
});
