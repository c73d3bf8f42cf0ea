import { randomUUID } from 'node:crypto';
import { MessageTypes, type Envelope } from '@ordering/contracts';
import { inSpan, instrumentPostgres, startTracing, tracer } from '@ordering/platform';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEnvelope, createReply, enqueueMessages, type MessageHandler, type Transport } from '../src/index.js';
import { aDebitCommand, aDebitPayload } from './builders.js';
import {
  countingDatabase,
  createTestConsumer,
  eventually,
  ledgerHandler,
  recordingTransport,
  startTestDatabase,
  type TestDatabaseHandle,
  type TestTx,
} from './messaging-harness.js';
import { testRelay } from './support/test-relay.js';
import { useTestResources } from './support/test-resources.js';

// One tracer provider per test file (the OpenTelemetry API is process-global).
const exporter = new InMemorySpanExporter();
const tracing = startTracing({ service: 'messaging-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
instrumentPostgres();

let handle: TestDatabaseHandle;
const { track, aReceiver, anHttpTransport, aRelay } = useTestResources();

beforeAll(async () => {
  handle = await startTestDatabase();
});

beforeEach(() => exporter.reset());

afterAll(async () => {
  await handle?.close();
  await tracing.shutdown();
});

const traceparentOf = (traceId: string, spanId: string): string => `00-${traceId}-${spanId}-01`;

/** Runs `work` in a new span (as an HTTP handler would), returning its result and the span's ids. */
const inASpan = async <T>(name: string, work: () => Promise<T> | T): Promise<{ value: T; traceId: string; spanId: string }> => {
  const span = tracer().startSpan(name);
  const value = await inSpan(span, async () => work());
  return { value, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
};

const finished = (): ReadableSpan[] => exporter.getFinishedSpans();
const spanNamed = (name: string): ReadableSpan | undefined => finished().find((span) => span.name === name);
const waitForSpan = (name: string): Promise<ReadableSpan[]> =>
  eventually(
    async () => finished(),
    (spans) => spans.some((span) => span.name === name),
  );

/** A handler that answers the debit with a reply, as participants do, and keeps it for the test to read. */
const replyingHandler = (): MessageHandler<TestTx> & { replies: Envelope[] } => {
  const replies: Envelope[] = [];
  return {
    type: MessageTypes.DebitAccount,
    replies,
    async handle(tx, envelope) {
      const payload = envelope.payload as { orderId: string };
      const reply = createReply(envelope, {
        type: MessageTypes.DebitAccountReply,
        source: 'account',
        payload: { orderId: payload.orderId, outcome: 'SUCCEEDED' },
      });
      replies.push(reply);
      await enqueueMessages(tx, [reply]);
    },
  };
};

describe('message tracing', () => {
  it('when an envelope is created inside a span, then it carries that span as its traceparent', async () => {
    const created = await inASpan('POST /api/checkout', () =>
      createEnvelope({
        type: MessageTypes.DebitAccount,
        source: 'orchestrator',
        destination: 'account',
        correlationId: randomUUID(),
        payload: aDebitPayload(),
      }),
    );

    expect(created.value.headers.traceparent).toBe(traceparentOf(created.traceId, created.spanId));
  });

  it('when an envelope is created outside any span, then it carries no trace context; given headers are kept as they are', () => {
    const given = { traceparent: traceparentOf('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7') };

    const plain = createEnvelope({
      type: MessageTypes.DebitAccount,
      source: 'orchestrator',
      destination: 'account',
      correlationId: randomUUID(),
      payload: aDebitPayload(),
    });
    const explicit = createEnvelope({
      type: MessageTypes.DebitAccount,
      source: 'orchestrator',
      destination: 'account',
      correlationId: randomUUID(),
      payload: aDebitPayload(),
      headers: given,
    });

    expect(plain.headers).toEqual({});
    expect(explicit.headers).toEqual(given);
  });

  it('when a message created in a span is relayed over HTTP, then the send span and the process span continue its trace and the handler runs inside the process span', async () => {
    const receiver = await aReceiver(handle);
    const transport = anHttpTransport({ account: [receiver.url] }, { timeoutMs: 2_000 });
    const created = await inASpan('POST /api/checkout', async () => {
      const command = aDebitCommand();
      await enqueueMessages(handle.database.db, [command]);
      return command;
    });
    const command = created.value;
    const relay = aRelay(handle.database.db, transport, { pollIntervalMs: 20 });

    relay.start();
    await waitForSpan(`send ${command.destination}`);
    await waitForSpan('POST /internal/messages');

    const send = spanNamed(`send ${command.destination}`);
    const delivery = spanNamed('POST /internal/messages');
    const processing = spanNamed(`process ${command.destination}`);
    expect(send?.kind).toBe(SpanKind.PRODUCER);
    expect(send?.spanContext().traceId).toBe(created.traceId);
    expect(send?.parentSpanContext?.spanId).toBe(created.spanId);
    expect(send?.attributes).toMatchObject({
      'messaging.system': 'http',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'account',
      'messaging.message.id': command.id,
      'messaging.message.conversation_id': command.correlationId,
      'ordering.service': 'orchestrator',
    });
    // The HTTP request carried the send span's context; the envelope still carries its creator's.
    expect(delivery?.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
    expect(delivery?.attributes['ordering.service']).toBe('account');
    expect(processing?.kind).toBe(SpanKind.CONSUMER);
    expect(processing?.spanContext().traceId).toBe(created.traceId);
    expect(processing?.parentSpanContext?.spanId).toBe(created.spanId);
    expect(processing?.links.map((link) => link.context.spanId)).toEqual([delivery?.spanContext().spanId]);
    expect(processing?.attributes).toMatchObject({
      'messaging.operation.type': 'process',
      'messaging.message.id': command.id,
      'ordering.service': 'account',
      'ordering.message.outcome': 'processed',
    });
    const ledgerInsert = finished().find(
      (span) => span.kind === SpanKind.CLIENT && String(span.attributes['db.query.text']).includes('insert into "ledger"'),
    );
    expect(ledgerInsert?.parentSpanContext?.spanId).toBe(processing?.spanContext().spanId);
  });

  it('when the relay polls an empty outbox, then it creates no spans', async () => {
    const empty = track(await startTestDatabase(), (h) => h.close());
    exporter.reset();
    const db = countingDatabase(empty.database.db);
    const relay = testRelay(db, recordingTransport(), { pollIntervalMs: 10 });
    relay.start();
    // Several polls: each is a claim that finds nothing.
    await eventually(
      async () => db.claims,
      (transactions) => transactions >= 3,
    );
    await relay.stop();

    expect(finished().filter((span) => span.kind === SpanKind.CLIENT)).toEqual([]);
  });

  it('when a handler creates a reply, then the reply carries the process span, not the command creator', async () => {
    const handler = replyingHandler();
    const consumer = createTestConsumer(handle, { handlers: [handler] });
    const { value: command, traceId, spanId: creatorSpanId } = await inASpan('POST /api/checkout', () => aDebitCommand());

    const result = await consumer.consume(JSON.stringify(command));

    expect(result.outcome).toBe('processed');
    const processing = spanNamed(`process ${command.destination}`);
    expect(processing?.spanContext().traceId).toBe(traceId);
    expect(processing?.parentSpanContext?.spanId).toBe(creatorSpanId);
    expect(handler.replies[0]?.headers.traceparent).toBe(traceparentOf(traceId, processing?.spanContext().spanId ?? ''));
  });

  it('when a reply is created outside any span, then it carries the command trace context', () => {
    const command = aDebitCommand({
      headers: { traceparent: traceparentOf('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7'), tracestate: 'vendor=1' },
    });

    const reply = createReply(command, {
      type: MessageTypes.DebitAccountReply,
      source: 'account',
      payload: { orderId: randomUUID(), outcome: 'SUCCEEDED' },
    });

    expect(reply.headers).toEqual(command.headers);
  });

  it('when a handler throws, then the process span records the error and the retry outcome', async () => {
    const consumer = createTestConsumer(handle, {
      handlers: [ledgerHandler({ failTimes: 1, failWith: () => new Error('the ledger is on fire') })],
    });
    const command = aDebitCommand();

    const result = await consumer.consume(JSON.stringify(command));

    expect(result.outcome).toBe('retry');
    const processing = spanNamed(`process ${command.destination}`);
    expect(processing?.status.code).toBe(SpanStatusCode.ERROR);
    expect(processing?.attributes['ordering.message.outcome']).toBe('retry');
    expect(processing?.events.find((event) => event.name === 'exception')?.attributes?.['exception.message']).toBe('the ledger is on fire');
  });

  it('when a publish fails, then the send span records the failure', async () => {
    const transport: Transport = recordingTransport({ fail: () => true });
    const command = aDebitCommand();
    await enqueueMessages(handle.database.db, [command]);
    const relay = aRelay(handle.database.db, transport, { pollIntervalMs: 20 });

    relay.start();
    const spans = await eventually(
      async () => finished(),
      (all) => all.some((span) => span.attributes['messaging.message.id'] === command.id),
    );

    const send = spans.find((span) => span.attributes['messaging.message.id'] === command.id);
    expect(send?.status.code).toBe(SpanStatusCode.ERROR);
    expect(send?.events.find((event) => event.name === 'exception')?.attributes?.['exception.message']).toBe(
      'recording transport refused the message',
    );
  });
});
