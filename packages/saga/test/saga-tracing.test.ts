import { MessageTypes, type Envelope } from '@ordering/contracts';
import { activeTraceHeaders, inConsumerSpan, inProducerSpan, startTracing, tracer, type TraceHeaders } from '@ordering/platform';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { aCheckout } from './builders.js';
import type { SagaEngine } from '../src/index.js';
import { useSagaTestBed } from './support/saga-test-bed.js';
import { fail, succeed } from './support/simulated-participants.js';

// The OpenTelemetry API is process-global: one provider for this file.
const exporter = new InMemorySpanExporter();
const tracing = startTracing({ service: 'saga-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
const COMPENSATING = 'ordering.saga.compensating';
const ORCHESTRATOR = { service: 'orchestrator', system: 'http' };
const PARTICIPANT = { service: 'order', system: 'http' };

const bed = useSagaTestBed();

beforeEach(() => {
  exporter.reset();
});

afterAll(async () => {
  await tracing.shutdown();
});

const isMarked = (headers: TraceHeaders | undefined): boolean => (headers?.tracestate ?? '').includes('ordering=compensation');

/** The engine handles the participant's reply as the consumer runtime does: inside the reply's CONSUMER span. */
const answer = async (engine: SagaEngine, commandType: string, reply: ReturnType<typeof succeed>): Promise<ReadableSpan> => {
  const [command] = (await bed.participants.takeCommands()).filter((taken) => taken.type === commandType);
  if (!command) throw new Error(`no ${commandType} was sent`);
  const envelope = bed.participants.replyTo(command, reply);
  await inConsumerSpan(envelope, ORCHESTRATOR, () => bed.participants.deliver(engine, envelope));
  const span = exporter
    .getFinishedSpans()
    .find((finished) => finished.kind === SpanKind.CONSUMER && finished.attributes['messaging.message.id'] === envelope.id);
  if (!span) throw new Error(`no consumer span for ${envelope.type}`);
  return span;
};

/** Starts a checkout inside a span, as the orchestrator's HTTP handler does, so its commands carry a traceparent. */
const startTracedCheckout = async (engine: SagaEngine): Promise<string> => {
  const checkout = aCheckout();
  const span = tracer().startSpan('POST /api/checkout');
  const headers = { traceparent: `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01` };
  span.end();
  await bed.database.db.transaction((tx) => engine.start(tx, { ...checkout, headers }));
  return checkout.sagaId;
};

describe('saga spans', () => {
  it('when a debit is refused, then the span that decides to compensate and both spans of the compensation command say compensating, and the reply to it does not', async () => {
    bed.participants.script(MessageTypes.DebitAccount, fail('INSUFFICIENT_FUNDS'));
    const engine = bed.newEngine();
    const sagaId = await startTracedCheckout(engine);

    const advanced = await answer(engine, MessageTypes.CreatePendingOrder, succeed());
    const decided = await answer(engine, MessageTypes.DebitAccount, fail('INSUFFICIENT_FUNDS'));

    expect(advanced.attributes).toMatchObject({ 'ordering.saga.type': 'test-checkout', 'ordering.saga.status': 'RUNNING' });
    expect(advanced.attributes[COMPENSATING]).toBeUndefined();
    expect(decided.attributes).toMatchObject({
      'ordering.saga.type': 'test-checkout',
      'ordering.saga.status': 'COMPENSATING',
      [COMPENSATING]: true,
    });

    const outbox = await bed.outboxOf(sagaId);
    const marked = outbox.filter((envelope) => isMarked(envelope.headers)).map((envelope) => envelope.type);
    expect(outbox.map((envelope) => envelope.type)).toEqual([
      MessageTypes.CreatePendingOrder,
      MessageTypes.DebitAccount,
      MessageTypes.RejectOrder,
    ]);
    expect(marked).toEqual([MessageTypes.RejectOrder]);

    // The relay publishes it, the order service processes it and replies from inside its span.
    const rejection = outbox[2] as Envelope;
    let onTheWire: TraceHeaders | undefined;
    await inProducerSpan(rejection, ORCHESTRATOR, async () => void (onTheWire = activeTraceHeaders()));
    let replyHeaders: TraceHeaders | undefined;
    await inConsumerSpan(rejection, PARTICIPANT, async () => void (replyHeaders = activeTraceHeaders()));

    const spansOf = exporter.getFinishedSpans().filter((span) => span.attributes['messaging.message.id'] === rejection.id);
    expect(spansOf.map((span) => [span.name, span.attributes[COMPENSATING]])).toEqual([
      ['send order', true],
      ['process order', true],
    ]);
    expect(isMarked(onTheWire)).toBe(false);
    expect(isMarked(replyHeaders)).toBe(false);
    expect(replyHeaders?.traceparent?.split('-')[1]).toBe(rejection.headers.traceparent?.split('-')[1]);
  });

  it('when a checkout completes, then no span and no command of it says compensating', async () => {
    const engine = bed.newEngine();
    const sagaId = await startTracedCheckout(engine);

    const spans = [
      await answer(engine, MessageTypes.CreatePendingOrder, succeed()),
      await answer(engine, MessageTypes.DebitAccount, succeed()),
      await answer(engine, MessageTypes.ApproveOrder, succeed()),
    ];

    expect(spans.map((span) => span.attributes['ordering.saga.status'])).toEqual(['RUNNING', 'RUNNING', 'COMPLETED']);
    expect(spans.some((span) => span.attributes[COMPENSATING] !== undefined)).toBe(false);
    expect((await bed.outboxOf(sagaId)).filter((envelope) => isMarked(envelope.headers))).toEqual([]);
  });
});
