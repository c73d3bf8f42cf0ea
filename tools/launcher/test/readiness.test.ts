import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NotReadyError, waitUntilReady } from '../src/readiness.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A stand-in service whose /readyz answers with the given statuses in turn, then keeps the last one. */
const serviceAnswering = async (...statuses: number[]): Promise<string> => {
  let calls = 0;
  const server = createServer((request, response) => {
    const status = request.url === '/readyz' ? (statuses[Math.min(calls, statuses.length - 1)] ?? 500) : 404;
    calls += 1;
    response.writeHead(status).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

describe('waitUntilReady', () => {
  it('when every process answers 200 after a few 503s, then it resolves', async () => {
    const targets = [
      { name: 'order', url: await serviceAnswering(503, 503, 200) },
      { name: 'gateway', url: await serviceAnswering(200) },
    ];

    await expect(waitUntilReady(targets, { intervalMs: 10, timeoutMs: 5_000 })).resolves.toBeUndefined();
  });

  it('when a process never gets ready, then the error names it and what it last answered', async () => {
    const targets = [
      { name: 'order', url: await serviceAnswering(200) },
      { name: 'account', url: await serviceAnswering(503) },
    ];

    const failure = await waitUntilReady(targets, { intervalMs: 10, timeoutMs: 200 }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(NotReadyError);
    expect((failure as NotReadyError).notReady).toEqual(['account']);
    expect((failure as Error).message).toMatch(/account \(http:\/\/127\.0\.0\.1:\d+\/readyz: HTTP 503\)/);
  });

  it('when nothing listens, then the error says the connection was refused', async () => {
    const url = await serviceAnswering(200);
    await new Promise((resolve) => servers.pop()?.close(resolve));

    await expect(waitUntilReady([{ name: 'customer', url }], { intervalMs: 10, timeoutMs: 100 })).rejects.toThrow(
      /customer .*ECONNREFUSED/,
    );
  });
});
