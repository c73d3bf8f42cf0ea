import { Writable } from 'node:stream';
import { createHttpServer, createLogger, createMetrics, startObservability } from '@ordering/platform';

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const SECRET = 'do-not-ship-me';

/**
 * Real lines of the services' logger, as they reach stdout: one request through the platform's HTTP server with a
 * traceparent (so traceId, spanId and reqId are set as in production), whose handler logs an object carrying the
 * fields the logger redacts.
 */
export const serviceLogLines = async (): Promise<{ raw: string[]; lines: Record<string, unknown>[] }> => {
  // No exporter: trace ids still come from the incoming traceparent, as in every service.
  const { tracing } = startObservability('log-lines', { logLevel: 'silent' });
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ service: 'order', level: 'info', destination });
  const app = await createHttpServer({ service: 'order', logger, metrics: createMetrics('order'), readiness: [] });
  app.post('/api/things', async (request) => {
    request.log.info({ password: SECRET, token: SECRET, accessToken: SECRET, privateKey: SECRET, orderId: 'o-1' }, 'thing handled');
    return { ok: true };
  });
  try {
    const response = await app.inject({
      method: 'POST',
      url: '/api/things',
      payload: {},
      headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`, 'x-request-id': 'req-1' },
    });
    if (response.statusCode !== 200) throw new Error(`the request failed: ${response.statusCode}`);
  } finally {
    await app.close();
    await tracing.shutdown();
  }
  return { raw, lines: raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
};
