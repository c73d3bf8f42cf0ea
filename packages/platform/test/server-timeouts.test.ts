import { connect, type AddressInfo, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, createLogger, createMetrics, type HttpServer, type ServerTimeouts } from '../src/index.js';

// Short limits so the tests take a fraction of a second; the assertions wait for the outcome, never for a time.
const SHORT = { headersMs: 300, requestMs: 300 } satisfies Partial<ServerTimeouts>;
const OUTCOME_BOUND = { timeout: 15_000, interval: 20 };

let app: HttpServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await app?.close();
  app = undefined;
});

const startServer = async (timeouts: Partial<ServerTimeouts>, addRoutes: (server: HttpServer) => void = () => undefined): Promise<number> => {
  const logger = createLogger({ service: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
  app = await createHttpServer({ service: 'test', logger, metrics: createMetrics('test'), readiness: [], timeouts });
  addRoutes(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as AddressInfo).port;
};

/** A raw client socket: what it received, and whether the server closed it. */
const openSocket = async (port: number) => {
  const socket = connect({ host: '127.0.0.1', port });
  sockets.push(socket);
  const state = { received: '', closed: false };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (state.received += chunk));
  socket.on('error', () => undefined); // a write racing the server's close; the close is what is asserted
  socket.on('close', () => (state.closed = true));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, state };
};

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
