import { Writable } from 'node:stream';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpServer, createLogger, createMetrics, currentTraceHeaders, startTracing } from '../src/index.js';

const exporter = new InMemorySpanExporter();
const tracing = startTracing({ service: 'test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
afterAll(() => tracing.shutdown());

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('tracing', () => {
  it('when a request carries a traceparent, then the server span continues that trace and log lines carry its ids', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const app = await createHttpServer({
      service: 'test',
      logger: createLogger({ service: 'test', level: 'info', destination }),
      metrics: createMetrics('test'),
      readiness: [],
    });
    let propagated: string | undefined;
    app.get('/things/:id', async () => {
      propagated = currentTraceHeaders().traceparent;
      return { ok: true };
    });
    await app.inject({ method: 'GET', url: '/things/1', headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` } });
    await app.close();

    const server = exporter.getFinishedSpans().find((span) => span.name === 'GET /things/:id');
    expect(server?.spanContext().traceId).toBe(TRACE_ID);
    expect(server?.attributes['http.response.status_code']).toBe(200);
    expect(propagated).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    const requestLine = lines.find((line) => line['msg'] === 'request completed');
    expect(requestLine).toMatchObject({ traceId: TRACE_ID, spanId: server?.spanContext().spanId });
  });

  it('when no traceparent is sent, then a new trace starts', async () => {
    exporter.reset();
    const app = await createHttpServer({
      service: 'test',
      logger: createLogger({ service: 'test', level: 'silent' }),
      metrics: createMetrics('test'),
      readiness: [],
    });
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.close();
    const [span] = exporter.getFinishedSpans();
    expect(span?.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span?.spanContext().traceId).not.toBe(TRACE_ID);
  });
});
