import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  activeSpanIds,
  activeTraceHeaders,
  createHttpServer,
  createLogger,
  createMetrics,
  inConsumerSpan,
  inProducerSpan,
  startObservability,
  tracer,
  withoutTracing,
} from '../src/index.js';

// No OTLP endpoint and no span processor: the mode every service runs in when nothing exports.
const { tracing } = startObservability('test', { logLevel: 'silent' });
afterAll(() => tracing.shutdown());

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

const captureLines = () => {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, destination };
};

/** A server whose handler logs a line and reports the trace headers it would put on an outgoing message. */
const tracedServer = async (destination: Writable) => {
  const app = await createHttpServer({
    service: 'test',
    logger: createLogger({ service: 'test', level: 'info', destination }),
    metrics: createMetrics('test'),
    readiness: [],
  });
  app.get('/things/:id', async (request) => {
    request.log.info('handled');
    return { outgoing: activeTraceHeaders()?.traceparent ?? null };
  });
  return app;
};

const requestLinesOf = (lines: Record<string, unknown>[], requestId: string) => lines.filter((line) => line['reqId'] === requestId);

describe('tracing when nothing exports', () => {
  it('when the service starts, then spans are not recorded and the database driver is not patched', () => {
    expect(tracing.recording).toBe(false);
    expect(tracer().startSpan('anything').isRecording()).toBe(false);
    expect(pg.Client.prototype.query.name).not.toBe('tracedQuery');
  });

  it('when a request carries a traceparent, then its log lines carry that trace id and what it sends continues the trace from a span of its own', async () => {
    const { lines, destination } = captureLines();
    const app = await tracedServer(destination);
    const response = await app.inject({
      method: 'GET',
      url: '/things/1',
      headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`, 'x-request-id': 'with-parent' },
    });
    await app.close();

    const [, traceId, spanId] = TRACEPARENT.exec(String(response.json<{ outgoing: string }>().outgoing)) ?? [];
    expect(traceId).toBe(TRACE_ID);
    expect(spanId).not.toBe(CALLER_SPAN_ID);
    const logged = requestLinesOf(lines, 'with-parent');
    expect(logged.map((line) => line['msg'])).toEqual(['handled', 'request completed']);
    for (const line of logged) expect(line).toMatchObject({ traceId: TRACE_ID, spanId });
  });

  it('when requests carry no traceparent, then each starts a trace of its own that its log lines and what it sends carry', async () => {
    const { lines, destination } = captureLines();
    const app = await tracedServer(destination);
    const first = await app.inject({ method: 'GET', url: '/things/1', headers: { 'x-request-id': 'first' } });
    const second = await app.inject({ method: 'GET', url: '/things/2', headers: { 'x-request-id': 'second' } });
    await app.close();

    const traceIds = [first, second].map((response, index) => {
      const [, traceId] = TRACEPARENT.exec(String(response.json<{ outgoing: string }>().outgoing)) ?? [];
      expect(traceId, `request ${index}`).toMatch(/^[0-9a-f]{32}$/);
      for (const line of requestLinesOf(lines, index === 0 ? 'first' : 'second')) expect(line['traceId']).toBe(traceId);
      return traceId;
    });
    expect(traceIds[0]).not.toBe(traceIds[1]);
  });

  it('when a message carrying a traceparent is processed, then the work and the messages it sends join that trace', async () => {
    const message = {
      id: 'm-1',
      type: 'test.Thing.v1',
      destination: 'test',
      correlationId: 'c-1',
      headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` },
    };
    const settings = { service: 'test', system: 'http' };

    const seen = await inConsumerSpan(message, settings, async () => {
      await nextTurn();
      return { ids: activeSpanIds(), outgoing: activeTraceHeaders()?.traceparent };
    });
    const sent = await inProducerSpan(message, settings, async () => activeTraceHeaders()?.traceparent);

    expect(seen.ids?.traceId).toBe(TRACE_ID);
    expect(seen.outgoing).toBe(`00-${TRACE_ID}-${seen.ids?.spanId}-01`);
    expect(sent).toMatch(new RegExp(`^00-${TRACE_ID}-(?!${CALLER_SPAN_ID})[0-9a-f]{16}-01$`));
  });

  it('when work runs without tracing (a background poll), then it carries no trace', async () => {
    const ids = await withoutTracing(async () => inSpanOfItsOwn());
    expect(ids).toBeUndefined();
  });
});

/** What a background poll's own span would give its log lines. */
const inSpanOfItsOwn = async () =>
  tracer().startActiveSpan('poll', async (span) => {
    await nextTurn();
    span.end();
    return activeSpanIds();
  });
