import { Writable } from 'node:stream';
import { declareErrorCodes } from '@ordering/contracts';
import { Type } from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError, createHttpServer, createLogger, createMetrics, createMetricsServer, type HttpServer } from '../src/index.js';

/** A business code as a service declares it: platform knows none of them. */
const TakenErrors = declareErrorCodes({ EMAIL_TAKEN: 'Email already registered' });

const captureLines = () => {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, destination };
};

const buildTestServer = async (destination?: Writable): Promise<HttpServer> => {
  const logger = createLogger({
    service: 'test',
    level: 'info',
    destination: destination ?? new Writable({ write: (_c, _e, done) => done() }),
  });
  const app = await createHttpServer({
    service: 'test',
    logger,
    metrics: createMetrics('test'),
    readiness: [{ name: 'database', check: async () => undefined }],
    openapi: { title: 'test', description: 'test' },
  });
  app.post(
    '/things',
    {
      schema: {
        body: Type.Object(
          { amount: Type.Integer({ minimum: 1, maximum: 10 }), name: Type.String({ maxLength: 20 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => reply.status(201).send(request.body),
  );
  app.post('/things/:id/cancel', async (_request, reply) => reply.status(202).send({ cancelled: true }));
  app.get(
    '/things/:id',
    { schema: { params: Type.Object({ id: Type.Integer() }), querystring: Type.Object({ limit: Type.Integer({ default: 20 }) }) } },
    async (request) => ({ ...request.params, ...request.query }),
  );
  app.get('/boom', async () => {
    throw new Error('secret connection string postgres://user:pw@db');
  });
  app.get('/taken', async () => {
    throw new AppError(TakenErrors.EMAIL_TAKEN, 409, { detail: 'That email is registered' });
  });
  return app;
};

let app: HttpServer;
afterEach(async () => app?.close());

const postThings = (payload: string, contentType = 'application/json') =>
  app.inject({ method: 'POST', url: '/things', payload, headers: { 'content-type': contentType } });

describe('http server kit', () => {
  it('when the body is valid, then the route answers', async () => {
    app = await buildTestServer();
    const response = await postThings(JSON.stringify({ amount: 3, name: 'x' }));
    expect(response.statusCode).toBe(201);
  });

  it('when the JSON is malformed, then 400 problem+json', async () => {
    app = await buildTestServer();
    const response = await postThings('{"amount": 3,');
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', title: expect.any(String), type: expect.any(String) });
  });

  it.each([
    ['a string amount', { amount: '3', name: 'x' }, 'body.amount'],
    ['a fractional amount', { amount: 1.5, name: 'x' }, 'body.amount'],
    ['a negative amount', { amount: -1, name: 'x' }, 'body.amount'],
    ['an enormous amount', { amount: 1e300, name: 'x' }, 'body.amount'],
    ['an unknown property', { amount: 3, name: 'x', admin: true }, 'body.admin'],
    ['a missing property', { name: 'x' }, 'body.amount'],
  ])('when the body has %s, then 400 names the field', async (_case, body, path) => {
    app = await buildTestServer();
    const response = await postThings(JSON.stringify(body));
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it('when the body is over 64 KiB, then 413 PAYLOAD_TOO_LARGE', async () => {
    app = await buildTestServer();
    const response = await postThings(JSON.stringify({ amount: 3, name: 'x'.repeat(1024 * 1024) }));
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('when the body is not JSON, then 415', async () => {
    app = await buildTestServer();
    const response = await postThings('amount=3', 'text/plain');
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('when a bodiless POST declares JSON or nothing, then it is accepted', async () => {
    app = await buildTestServer();
    const withType = await app.inject({ method: 'POST', url: '/things/1/cancel', headers: { 'content-type': 'application/json' } });
    const withoutType = await app.inject({ method: 'POST', url: '/things/1/cancel' });
    expect([withType.statusCode, withoutType.statusCode]).toEqual([202, 202]);
  });

  it('when params and query arrive as text, then they are coerced and defaulted', async () => {
    app = await buildTestServer();
    const response = await app.inject({ method: 'GET', url: '/things/7' });
    expect(response.json()).toEqual({ id: 7, limit: 20 });
    expect((await app.inject({ method: 'GET', url: "/things/1';drop" })).statusCode).toBe(400);
  });

  it('when the route is unknown, then 404 problem+json with or without a token', async () => {
    app = await buildTestServer();
    for (const headers of [{}, { authorization: 'Bearer a.b.c' }]) {
      const response = await app.inject({ method: 'GET', url: '/nowhere', headers });
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('NOT_FOUND');
    }
  });

  it('when a handler fails unexpectedly, then 500 reveals nothing internal', async () => {
    app = await buildTestServer();
    const response = await app.inject({ method: 'GET', url: '/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json().code).toBe('INTERNAL');
    expect(response.body).not.toContain('postgres://');
    expect(response.body).not.toContain('at ');
  });

  it('when a handler throws an AppError with a code its service declared, then its code, title and status are the answer', async () => {
    app = await buildTestServer();
    const response = await app.inject({ method: 'GET', url: '/taken' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      type: 'https://errors.ordering.example/email-taken',
      title: 'Email already registered',
      status: 409,
      detail: 'That email is registered',
      code: 'EMAIL_TAKEN',
      instance: '/taken',
    });
  });

  it('when a request carries a safe x-request-id, then it is echoed, otherwise one is minted', async () => {
    app = await buildTestServer();
    const echoed = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    const minted = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\u0000' } });
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    expect(minted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when requests were served, then /metrics has the duration histogram by route template', async () => {
    app = await buildTestServer();
    await app.inject({ method: 'GET', url: '/things/42' });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('http_server_request_duration_seconds_bucket');
    expect(metrics.body).toContain('route="/things/:id"');
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
  });

  it('when a public server asks for no /metrics, then it 404s there and a metrics server serves the same registry', async () => {
    const logger = createLogger({ service: 'test', level: 'silent' });
    const metrics = createMetrics('test');
    app = await createHttpServer({ service: 'test', logger, metrics, readiness: [], servesMetrics: false });
    const metricsServer = await createMetricsServer({ logger, metrics });
    try {
      await app.inject({ method: 'GET', url: '/healthz' });

      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      const scraped = await metricsServer.inject({ method: 'GET', url: '/metrics' });
      expect(scraped.statusCode).toBe(200);
      expect(scraped.body).toMatch(/^http_server_request_duration_seconds_count\{[^}]*route="\/healthz"[^}]*\} 1$/m);
      expect((await metricsServer.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(404);
    } finally {
      await metricsServer.close();
    }
  });

  it('when a request is served, then exactly one log line describes it and holds no secrets', async () => {
    const { lines, destination } = captureLines();
    app = await buildTestServer(destination);
    await app.inject({
      method: 'POST',
      url: '/things?token=secret-query',
      payload: JSON.stringify({ amount: 3, name: 'hunter2-password' }),
      headers: { 'content-type': 'application/json', authorization: 'Bearer secret-token' },
    });
    const requestLines = lines.filter((line) => line['msg'] === 'request completed');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ service: 'test', level: 'info', method: 'POST', route: '/things', status: 201 });
    const everything = JSON.stringify(lines);
    expect(everything).not.toContain('secret-token');
    expect(everything).not.toContain('secret-query');
    expect(everything).not.toContain('hunter2');
  });

  it('when readiness checks fail, then /readyz is 503 and /healthz stays 200', async () => {
    const logger = createLogger({ service: 'test', level: 'silent' });
    app = await createHttpServer({
      service: 'test',
      logger,
      metrics: createMetrics('test'),
      readiness: [{ name: 'database', check: async () => Promise.reject(new Error('connection refused')) }],
    });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('error logging', () => {
  it('when a failing query carries bound parameters, then the log keeps the SQL but not the values', async () => {
    const { lines, destination } = captureLines();
    const logger = createLogger({ service: 'test', level: 'info', destination });
    app = await createHttpServer({ service: 'test', logger, metrics: createMetrics('test'), readiness: [] });
    app.get('/query', async () => {
      const failure = Object.assign(new Error('Failed query: insert into customers values ($1)'), {
        query: 'insert into customers values ($1)',
        params: ['scrypt$16384$secret-hash'],
        cause: Object.assign(new Error('duplicate key'), { code: '23505', parameters: ['nested-secret'] }),
      });
      throw failure;
    });
    expect((await app.inject({ method: 'GET', url: '/query' })).statusCode).toBe(500);
    const logged = JSON.stringify(lines);
    expect(logged).toContain('insert into customers');
    expect(logged).not.toContain('secret-hash');
    expect(logged).not.toContain('nested-secret');
  });
});

describe('dependency outages', () => {
  it('when the database connection drops during a request, then 503 SERVICE_UNAVAILABLE with Retry-After, not 500', async () => {
    app = await createHttpServer({
      service: 'test',
      logger: createLogger({ service: 'test', level: 'silent' }),
      metrics: createMetrics('test'),
      readiness: [],
    });
    app.get('/orders', async () => {
      const driverError = Object.assign(new Error('terminating connection due to unexpected postmaster exit'), { code: '57P01' });
      throw Object.assign(new Error('Failed query: select …'), { cause: driverError });
    });
    const response = await app.inject({ method: 'GET', url: '/orders' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
  });
});
