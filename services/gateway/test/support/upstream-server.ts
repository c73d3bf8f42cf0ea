import fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';

/** What an upstream saw of one request, for asserting what the gateway forwarded. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Exactly the bytes received, or undefined when there was no body. */
  body: Buffer | undefined;
}

export interface EchoBody {
  upstream: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  bodyBase64: string | null;
}

export interface TestUpstream {
  name: string;
  url: string;
  received: ReceivedRequest[];
  /** Delay every answer (but /healthz) by this many milliseconds. */
  delayMs: number;
  /** Answer every request (but /healthz and /docs/json) with a problem+json 500. */
  failing: boolean;
  /** What `GET /docs/json` returns; undefined answers 503 as a service that is starting would. */
  openapi: unknown;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const inChunks = (text: string, size = 16): string[] =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, index) => text.slice(index * size, (index + 1) * size));

/** Headers and a first part of the announced body go out; then the connection is dropped. */
const breakOff = (reply: FastifyReply): FastifyReply => {
  reply.hijack();
  reply.raw.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
  reply.raw.write('{"partial":', () => reply.raw.socket?.destroy());
  return reply;
};

/**
 * A real HTTP server standing in for a service: it echoes what it received as JSON. Request headers steer the
 * answer so a test can ask for a status and headers: `x-test-status`, `x-test-location`, `x-test-retry-after`;
 * or for another body: `x-test-body-bytes` (that many bytes, with a content length), `x-test-chunked` (the echo in
 * chunks, without a content length), `x-test-break-off` (announce a body, send part of it, drop the connection).
 */
export const startUpstream = async (name: string): Promise<TestUpstream> => {
  const server: FastifyInstance = fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const upstream: TestUpstream = {
    name,
    url: '',
    received: [],
    delayMs: 0,
    failing: false,
    openapi: undefined,
    close: () => server.close(),
  };

  server.get('/healthz', async () => ({ status: 'ok' }));
  server.get('/docs/json', async (_request, reply) => {
    if (upstream.openapi === undefined) return reply.status(503).send({ status: 'starting' });
    return upstream.openapi;
  });
  server.all('/*', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : undefined;
    upstream.received.push({ method: request.method, url: request.url, headers: { ...request.headers }, body });
    if (upstream.delayMs > 0) await sleep(upstream.delayMs);
    if (upstream.failing) {
      return reply
        .status(500)
        .type('application/problem+json; charset=utf-8')
        .send({ type: 'about:blank', title: 'Internal server error', status: 500, detail: 'boom', code: 'INTERNAL' });
    }
    const bodyBytes = request.headers['x-test-body-bytes'];
    if (typeof bodyBytes === 'string') return reply.type('application/octet-stream').send(Buffer.alloc(Number(bodyBytes), 'x'));
    if (request.headers['x-test-break-off'] !== undefined) return breakOff(reply);
    const status = Number(request.headers['x-test-status'] ?? 200);
    const location = request.headers['x-test-location'];
    const retryAfter = request.headers['x-test-retry-after'];
    if (typeof location === 'string') reply.header('location', location);
    if (typeof retryAfter === 'string') reply.header('retry-after', retryAfter);
    // A service echoes the request id it was given, as the platform does.
    const requestId = request.headers['x-request-id'];
    if (typeof requestId === 'string') reply.header('x-request-id', requestId);
    reply.header('x-upstream', name);
    const echo: EchoBody = {
      upstream: name,
      method: request.method,
      url: request.url,
      headers: request.headers,
      bodyBase64: body ? body.toString('base64') : null,
    };
    if (request.headers['x-test-chunked'] !== undefined)
      return reply
        .status(status)
        .type('application/json')
        .send(Readable.from(inChunks(JSON.stringify(echo))));
    return reply.status(status).send(echo);
  });

  upstream.url = await server.listen({ host: '127.0.0.1', port: 0 });
  return upstream;
};

/** A base URL on which nothing listens, so connecting to it is refused. */
export const refusingUrl = async (): Promise<string> => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
};
