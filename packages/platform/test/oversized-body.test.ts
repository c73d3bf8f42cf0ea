import { afterEach, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, type ServerTimeouts } from '../src/index.js';
import { DRAIN_LIMIT_BYTES } from '../src/http/oversized-body.js';
import { createRawConnections } from './support/raw-connections.js';

const OUTCOME_BOUND = { timeout: 15_000, interval: 20 };
const ONE_MIB = 1024 * 1024;

const { startServer, openSocket, closeAll } = createRawConnections();
afterEach(closeAll);
const startThingsServer = (timeouts: Partial<ServerTimeouts> = {}) =>
  startServer(timeouts, (app) => app.post('/things', async () => ({ ok: true })));

const postHead = (declaredBytes: number): string =>
  `POST /things HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${declaredBytes}\r\n\r\n`;
// A body has no trailing newline, so the next status line follows it directly.
const statusLines = (received: string): string[] => received.match(/HTTP\/1\.1 \d{3}/g) ?? [];

describe('a body over the limit', () => {
  it('when a client declares and sends 1 MiB, then it reads the 413 and the same connection serves its next request', async () => {
    const { socket, state } = await openSocket(await startThingsServer());

    socket.write(postHead(ONE_MIB));
    socket.write('a'.repeat(ONE_MIB));
    socket.write('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n');

    await expect.poll(() => statusLines(state.received), OUTCOME_BOUND).toEqual(['HTTP/1.1 413', 'HTTP/1.1 200']);
    expect(state.received).toContain('PAYLOAD_TOO_LARGE');
    expect(state.closed).toBe(false);
  });

  it('when a client declares a modest body but never sends it, then after the 413 the request timeout still closes the connection', async () => {
    const { socket, state } = await openSocket(await startThingsServer({ headersMs: 300, requestMs: 300 }));

    socket.write(postHead(BODY_LIMIT_BYTES * 4));
    socket.write('{"a":');

    await expect.poll(() => state.closed, OUTCOME_BOUND).toBe(true);
    expect(statusLines(state.received)[0]).toBe('HTTP/1.1 413');
  });

  it('when a client declares more than the server drains, then it is answered 413 and the connection is closed at once', async () => {
    const { socket, state } = await openSocket(await startThingsServer());

    socket.write(postHead(DRAIN_LIMIT_BYTES + 1));
    socket.write('a'.repeat(1024));

    await expect.poll(() => state.closed, OUTCOME_BOUND).toBe(true);
    expect(state.received).toMatch(/^HTTP\/1\.1 413 [\s\S]*connection: close/i);
  });
});
