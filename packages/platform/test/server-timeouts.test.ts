import { afterEach, describe, expect, it } from 'vitest';
import type { ServerTimeouts } from '../src/index.js';
import { createRawConnections } from './support/raw-connections.js';

// Short limits so the tests take a fraction of a second; the assertions wait for the outcome, never for a time.
const SHORT = { headersMs: 300, requestMs: 300 } satisfies Partial<ServerTimeouts>;
const OUTCOME_BOUND = { timeout: 15_000, interval: 20 };

const { startServer, openSocket, closeAll } = createRawConnections();
afterEach(closeAll);

/** A slowloris client: a request line, then one more header line every 50 ms, never the blank line that ends them. */
const trickleHeaders = async (port: number) => {
  const connection = await openSocket(port);
  connection.socket.write('GET /healthz HTTP/1.1\r\nHost: test\r\n');
  let line = 0;
  const timer = setInterval(() => {
    if (connection.state.closed) clearInterval(timer);
    else connection.socket.write(`x-trickle-${(line += 1)}: y\r\n`);
  }, 50);
  connection.socket.on('close', () => clearInterval(timer));
  return connection;
};

describe('server timeouts', () => {
  it('when a client sends its headers slowly, then it is answered 408 and disconnected after the headers timeout', async () => {
    const port = await startServer(SHORT);

    const { state } = await trickleHeaders(port);

    await expect.poll(() => state.closed, OUTCOME_BOUND).toBe(true);
    expect(state.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('when a client connects and sends nothing, then it is disconnected', async () => {
    const port = await startServer(SHORT);

    const { state } = await openSocket(port);

    await expect.poll(() => state.closed, OUTCOME_BOUND).toBe(true);
  });

  it('when a kept-alive connection stays idle after a response, then the server closes it', async () => {
    const port = await startServer({ keepAliveMs: 200 });
    const { socket, state } = await openSocket(port);

    socket.write('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n');
    await expect.poll(() => state.received, OUTCOME_BOUND).toMatch(/^HTTP\/1\.1 200 [\s\S]*keep-alive/i);

    await expect.poll(() => state.closed, OUTCOME_BOUND).toBe(true);
  });

  it('when a response is held longer than the request timeout (a ?wait long poll), then it is still delivered', async () => {
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const port = await startServer(SHORT, (server) => {
      server.get('/held', async () => {
        entered();
        await released;
        return { done: true };
      });
    });

    const longPoll = fetch(`http://127.0.0.1:${port}/held`);
    try {
      await inHandler;
      // A slow client started after the long poll's request was in: once the server has cut it, the request
      // timeout has passed for the long poll as well, and the server has checked its deadlines since.
      const slow = await trickleHeaders(port);
      await expect.poll(() => slow.state.closed, OUTCOME_BOUND).toBe(true);
    } finally {
      release();
    }

    const response = await longPoll;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
  });
});
