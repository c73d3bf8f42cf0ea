import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer } from './support/gateway-harness.js';
import { useGateway } from './support/use-gateway.js';
import type { EchoBody } from './support/upstream-server.js';

const gateway = useGateway();
let token: string;
let port: number;

beforeAll(async () => {
  token = await gateway.tokens.issue();
  port = Number(new URL(await gateway.app.listen({ host: '127.0.0.1', port: 0 })).port);
});

/** A request line sent byte for byte (an HTTP client library would normalise the target first). */
const rawRequest = (target: string, headers: Record<string, string>): Promise<string> =>
  new Promise((resolve, reject) => {
    const lines = [
      `GET ${target} HTTP/1.1`,
      'host: gateway',
      'connection: close',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    const socket = connect(port, '127.0.0.1', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });

describe('paths', () => {
  it('when a path parameter holds backslashes, then 404 instead of a path a URL parser would turn into another one', async () => {
    const answer = await rawRequest('/api/checkout/x\\..\\..\\..\\internal\\dead-letters', bearer(token));

    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 404 Not Found');
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(gateway.allReceived()).toHaveLength(0);
  });
});

describe('request headers', () => {
  it('when the client lists a header in its Connection header, then that header stays at the gateway', async () => {
    await gateway.app.inject({
      method: 'GET',
      url: '/api/menu',
      headers: { connection: 'keep-alive, x-hop-secret', 'x-hop-secret': 'one hop only', 'x-kept': 'yes' },
    });

    const [received] = gateway.allReceived();
    expect(received?.headers['x-hop-secret']).toBeUndefined();
    expect(received?.headers['x-kept']).toBe('yes');
  });
});

describe('response bodies', () => {
  it('when the service answers with a body over 1 MiB, then the client gets every byte of it', async () => {
    const size = 3 * 1024 * 1024 + 7;

    const response = await gateway.app.inject({ method: 'GET', url: '/api/menu', headers: { 'x-test-body-bytes': String(size) } });

    expect(response.statusCode).toBe(200);
    expect(response.rawPayload).toHaveLength(size);
    expect(response.rawPayload.every((byte) => byte === 0x78)).toBe(true);
    expect(response.headers['content-type']).toBe('application/octet-stream');
  });

  it('when the service answers in chunks without a content length, then the client gets the same body', async () => {
    const response = await gateway.app.inject({
      method: 'GET',
      url: '/api/accounts/me',
      headers: { ...bearer(token), 'x-test-chunked': '1' },
    });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.json<EchoBody>()).toMatchObject({ upstream: 'account', url: '/api/accounts/me' });
  });

  it('when a HEAD request is answered, then the client gets the service content length and no body', async () => {
    const head = await gateway.app.inject({ method: 'HEAD', url: '/api/menu', headers: { 'x-test-body-bytes': '12345' } });

    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe('12345');
    expect(gateway.upstreams.order.received[0]?.method).toBe('HEAD');
  });

  it('when the service drops the connection in the middle of a body it announced, then 502 UPSTREAM_UNAVAILABLE and none of the broken body', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/api/menu', headers: { 'x-test-break-off': '1' } });

    expect(response.statusCode).toBe(502);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 502, code: 'UPSTREAM_UNAVAILABLE' });
    expect(response.body).not.toContain('partial');
  });
});
