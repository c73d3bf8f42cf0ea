import { randomUUID } from 'node:crypto';
import { createConnection, createServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, type ServiceMetrics } from '@ordering/platform';
import { findFreePort } from '@ordering/testing';
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import type { GatewayHarness, HarnessOptions } from './support/gateway-harness.js';
import { useGatewayStarter } from './support/use-gateway.js';

/** CI's second pass sets TEST_REDIS_URL; otherwise the Redis a developer usually runs, if anything answers there. */
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const answers = (url: string): Promise<boolean> =>
  new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = createConnection({ host: hostname, port: Number(port || 6379), timeout: 2_000 });
    const settle = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.once('connect', () => settle(true));
    socket.once('error', () => settle(false));
    socket.once('timeout', () => settle(false));
  });

const redisMissing = process.env['TEST_REDIS_URL'] === undefined && !(await answers(REDIS_URL));
if (redisMissing) console.warn(`skipping the shared Redis rate-limit tests: TEST_REDIS_URL is unset and nothing answers at ${REDIS_URL}`);

/** Accepts connections and never answers: a hung Redis. */
const aSilentServer = (): Promise<{ port: number; close: () => Promise<void> }> =>
  new Promise((resolve, reject) => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address !== 'object' || !address) return reject(new Error('no port'));
      resolve({
        port: address.port,
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });

/** Its own key prefix per test, so runs (and the two passes of CI) never see each other's counts. */
const aKeyPrefix = (): string => `ordering-test:${randomUUID()}:`;

const metricValue = async (metrics: ServiceMetrics, name: string): Promise<number | undefined> =>
  (await metrics.registry.getSingleMetric(name)?.get())?.values[0]?.value;

const menu = (gateway: GatewayHarness, remoteAddress = '198.51.100.7') =>
  gateway.app.inject({ method: 'GET', url: '/api/menu', remoteAddress });

const gateways = useGatewayStarter();
const gatewayWith = (env: Record<string, string>, options: HarnessOptions = {}): Promise<GatewayHarness> =>
  gateways.start({ ...options, env: { RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_SECONDS: '60', ...env } });

describe.skipIf(redisMissing)(`rate limits shared in Redis (${REDIS_URL})`, () => {
  it('when two gateways share one Redis, then together they allow the limit once and the next request gets 429 with Retry-After', async () => {
    const env = { REDIS_URL, RATE_LIMIT_REDIS_PREFIX: aKeyPrefix() };
    const first = await gatewayWith(env);
    const second = await gatewayWith(env);
    for (const gateway of [first, second]) {
      await expect.poll(() => metricValue(gateway.metrics, 'rate_limit_store_connected'), { timeout: 30_000 }).toBe(1);
    }

    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await menu(i % 2 === 0 ? first : second)).statusCode);
    const limited = await menu(second);

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await menu(first)).statusCode).toBe(429);
    expect(first.upstreams.order.received.length + second.upstreams.order.received.length).toBe(5);
  });

  it("when two systems use one Redis with different key prefixes, then neither uses up the other one's limit", async () => {
    const busy = await gatewayWith({ REDIS_URL, RATE_LIMIT_REDIS_PREFIX: aKeyPrefix() });
    const other = await gatewayWith({ REDIS_URL, RATE_LIMIT_REDIS_PREFIX: aKeyPrefix() });
    for (const gateway of [busy, other]) {
      await expect.poll(() => metricValue(gateway.metrics, 'rate_limit_store_connected'), { timeout: 30_000 }).toBe(1);
    }
    for (let i = 0; i < 6; i++) await menu(busy);

    expect((await menu(busy)).statusCode).toBe(429);
    expect((await menu(other)).statusCode).toBe(200);
  });

  it('when the limiter counts in Redis, then its keys carry the configured prefix', async () => {
    const prefix = aKeyPrefix();
    const gateway = await gatewayWith({ REDIS_URL, RATE_LIMIT_REDIS_PREFIX: prefix });
    await expect.poll(() => metricValue(gateway.metrics, 'rate_limit_store_connected'), { timeout: 30_000 }).toBe(1);
    const redis = new Redis(REDIS_URL);
    try {
      await menu(gateway);

      const keys = await redis.keys(`${prefix}*`);
      expect(keys).toEqual([`${prefix}ip:198.51.100.7`]);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });
});

describe('rate limits when Redis is unreachable', () => {
  it('when REDIS_URL points at a closed port, then the gateway is ready and serves past the limit (fail open), and the metrics and the log say so', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger({ service: 'gateway', level: 'info', destination });
    const gateway = await gatewayWith(
      { REDIS_URL: `redis://127.0.0.1:${await findFreePort()}`, RATE_LIMIT_REDIS_PREFIX: aKeyPrefix() },
      { logger },
    );

    expect((await gateway.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await menu(gateway)).statusCode);

    expect(statuses).toEqual(Array.from({ length: 8 }, () => 200));
    expect(gateway.upstreams.order.received).toHaveLength(8);
    expect(await metricValue(gateway.metrics, 'rate_limit_store_connected')).toBe(0);
    expect(await metricValue(gateway.metrics, 'rate_limit_store_bypassed_total')).toBe(8);
    await vi.waitFor(() => expect(lines.filter((line) => String(line['msg']).includes('fail open'))).toHaveLength(1), { timeout: 30_000 });
  });

  it('when Redis accepts connections but never answers, then requests are still served, not held', async () => {
    const silent = await aSilentServer();
    try {
      const gateway = await gatewayWith({ REDIS_URL: `redis://127.0.0.1:${silent.port}`, RATE_LIMIT_REDIS_PREFIX: aKeyPrefix() });

      const statuses = [];
      for (let i = 0; i < 7; i++) statuses.push((await menu(gateway)).statusCode);

      expect(statuses).toEqual(Array.from({ length: 7 }, () => 200));
      expect(await metricValue(gateway.metrics, 'rate_limit_store_connected')).toBe(0);
    } finally {
      await gateways.stopAll();
      await silent.close();
    }
  });
});
