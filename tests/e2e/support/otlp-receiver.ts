import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One span as the services exported it, flattened: its resource's service.name and its attributes as plain values. */
export interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP SpanKind: 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER, 5 CONSUMER. */
  readonly kind: number;
  /** OTLP StatusCode: 0 UNSET, 1 OK, 2 ERROR. */
  readonly statusCode: number;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface OtlpReceiver {
  /** The base URL for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces). */
  readonly url: string;
  /** Every span received so far. */
  spans(): readonly ReceivedSpan[];
  /** Requests that could not be decoded, with why: a test asserts there are none. */
  rejected(): readonly string[];
  close(): Promise<void>;
}

type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
};
type KeyValue = { key: string; value?: AnyValue };
interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  status?: { code?: number };
  attributes?: KeyValue[];
}
interface OtlpJsonRequest {
  resourceSpans?: Array<{ resource?: { attributes?: KeyValue[] }; scopeSpans?: Array<{ spans?: OtlpJsonSpan[] }> }>;
}

const plain = (value: AnyValue | undefined): unknown => {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.arrayValue?.values?.map(plain);
};
const attributesOf = (list: KeyValue[] | undefined): Record<string, unknown> =>
  Object.fromEntries((list ?? []).map((entry) => [entry.key, plain(entry.value)]));

/** OTLP/JSON ids are hex strings (the OTLP JSON mapping); base64 would be the protobuf-JSON default: accept both. */
const hexId = (id: string | undefined): string =>
  !id ? '' : /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');

const decode = (request: OtlpJsonRequest): ReceivedSpan[] =>
  (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        service,
        traceId: hexId(span.traceId),
        spanId: hexId(span.spanId),
        parentSpanId: hexId(span.parentSpanId),
        name: span.name,
        kind: span.kind ?? 0,
        statusCode: span.status?.code ?? 0,
        attributes: attributesOf(span.attributes),
      })),
    );
  });

const bodyOf = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
};

/**
 * An OTLP/HTTP trace receiver on 127.0.0.1: what a collector is to the services. @opentelemetry/exporter-trace-otlp-http
 * sends JSON (`application/json`); a protobuf request is refused with 415 and recorded, so a change of encoding
 * fails the test that uses it instead of silently receiving nothing.
 */
export const startOtlpReceiver = async (): Promise<OtlpReceiver> => {
  const received: ReceivedSpan[] = [];
  const rejected: string[] = [];
  const server = createServer((request, response) => {
    const refuse = (status: number, why: string): void => {
      rejected.push(why);
      response.writeHead(status).end();
    };
    if (request.method !== 'POST' || request.url !== '/v1/traces') return refuse(404, `${request.method} ${request.url}`);
    const type = request.headers['content-type'] ?? '';
    if (!type.startsWith('application/json')) return refuse(415, `content-type ${type}`);
    bodyOf(request).then(
      (body) => {
        received.push(...decode(JSON.parse(body.toString('utf8')) as OtlpJsonRequest));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      },
      (error: unknown) => refuse(400, String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => received,
    rejected: () => rejected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
