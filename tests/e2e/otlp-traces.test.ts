import { beforeAll, describe, expect, it } from 'vitest';
import type { MenuItem, Saga } from './support/api-client.js';
import { aCustomer, anIdempotencyKey } from './support/builders.js';
import { expectStatus } from './support/expectations.js';
import { startOtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.js';
import { usePerSuite } from './support/per-suite.js';
import { terminalSagaOf } from './support/sagas.js';
import { useSystemPerSuite } from './support/system-per-suite.js';
import { eventually } from './support/wait.js';

/**
 * Traces as an operator's collector receives them: every service exports OTLP/HTTP to a receiver in this test, and
 * one checkout, completed or aborted with its compensation, is one trace with spans of every service on its path.
 */
const PRODUCER = 4;
const CONSUMER = 5;
const SERVER = 2;
const ON_THE_PATH = ['gateway', 'orchestrator', 'order', 'account'];
const COMPENSATING = 'ordering.saga.compensating';
// The BatchSpanProcessor exports every 5 s; a loaded machine with replicas may take several rounds.
const SPANS_TIMEOUT_MS = 90_000;

describe('traces exported over OTLP', () => {
  // Before the system: the receiver is up before the system starts and closes after it stops.
  const { get: receiver } = usePerSuite('the OTLP receiver', startOtlpReceiver, (started) => started.close());
  const { running, api } = useSystemPerSuite(() => ({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver().url } }));
  let cheapest: MenuItem;

  beforeAll(async () => {
    const menu = await api.menu();
    expectStatus(menu, 200);
    cheapest = [...menu.body.items].sort((a, b) => a.price - b.price)[0] as MenuItem;
  });

  const checkout = async (deposit: number): Promise<Saga> => {
    const session = await api.signUp(aCustomer());
    if (deposit > 0) expectStatus(await api.deposit(session.token, deposit, anIdempotencyKey()), 201);
    const response = await api.checkoutItems(session.token, [{ menuItemId: cheapest.id, quantity: 1 }], { wait: 30 });
    return terminalSagaOf(api, session.token, response, { context: () => running().tail(60) });
  };

  const describeSpans = (spans: readonly ReceivedSpan[]): string =>
    spans
      .map((span) => `${span.service} ${span.kind} ${span.name} ${String(span.attributes['ordering.message.type'] ?? '')} ${span.traceId}`)
      .join('\n');

  /** The spans of the saga's messages (correlation id = saga id) and every other span of the traces they are in. */
  const traceOf = (sagaId: string): { traceIds: Set<string>; spans: ReceivedSpan[] } => {
    const all = receiver().spans();
    const traceIds = new Set(
      all.filter((span) => span.attributes['messaging.message.conversation_id'] === sagaId).map((span) => span.traceId),
    );
    return { traceIds, spans: all.filter((span) => traceIds.has(span.traceId)) };
  };

  /** Polls until the saga's trace holds every span `complete` asks for: spans arrive in batches, in any order. */
  const waitForTrace = (sagaId: string, complete: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> =>
    eventually(
      async () => {
        const { spans } = traceOf(sagaId);
        return complete(spans) ? spans : undefined;
      },
      {
        what: `the spans of saga ${sagaId}`,
        timeoutMs: SPANS_TIMEOUT_MS,
        intervalMs: 500,
        context: () => `spans so far:\n${describeSpans(traceOf(sagaId).spans)}\nrejected: ${receiver().rejected().join('; ')}`,
      },
    );

  const servicesOf = (spans: readonly ReceivedSpan[]): Set<string> => new Set(spans.map((span) => span.service));
  const messageSpan = (spans: readonly ReceivedSpan[], kind: number, type: string): ReceivedSpan | undefined =>
    spans.find((span) => span.kind === kind && span.attributes['ordering.message.type'] === type);
  const hasEveryService = (spans: readonly ReceivedSpan[]): boolean => ON_THE_PATH.every((service) => servicesOf(spans).has(service));
  const hasCheckoutRequest = (spans: readonly ReceivedSpan[]): boolean =>
    spans.some((span) => span.service === 'gateway' && span.kind === SERVER);
  /** Each process exports its own batches: the trace is complete only once every span asserted on has arrived. */
  const holds =
    (messages: ReadonlyArray<readonly [number, string]>) =>
    (spans: ReceivedSpan[]): boolean =>
      hasEveryService(spans) && hasCheckoutRequest(spans) && messages.every(([kind, type]) => messageSpan(spans, kind, type) !== undefined);
  const sentAndProcessed = (...types: string[]): Array<readonly [number, string]> =>
    types.flatMap((type) => [[PRODUCER, type] as const, [CONSUMER, type] as const]);

  it('when a checkout completes, then it is one trace with spans of the gateway, the orchestrator, order and account, none compensating', async () => {
    const saga = await checkout(cheapest.price * 3);
    expect(saga.status).toBe('COMPLETED');

    const steps = ['order.CreatePendingOrder.v1', 'account.DebitAccount.v1', 'order.ApproveOrder.v1'];
    const spans = await waitForTrace(saga.sagaId, holds(sentAndProcessed(...steps, 'order.ApproveOrderReply.v1')));

    expect(traceOf(saga.sagaId).traceIds.size, describeSpans(spans)).toBe(1);
    expect(spans.find((span) => span.service === 'gateway' && span.kind === SERVER)?.name).toBe('POST /api/checkout');
    for (const type of steps) {
      expect(messageSpan(spans, PRODUCER, type)?.service, `send ${type}`).toBe('orchestrator');
      expect(messageSpan(spans, CONSUMER, type), `process ${type}`).toMatchObject({
        name: `process ${type.split('.')[0]}`,
        attributes: { 'messaging.operation.type': 'process' },
      });
    }
    expect(spans.filter((span) => span.attributes[COMPENSATING] !== undefined)).toEqual([]);
    expect(receiver().rejected()).toEqual([]);
  });

  it('when a debit is refused, then the aborted checkout is one trace that holds the order rejection sent and processed, marked compensating', async () => {
    const saga = await checkout(0);
    expect(saga).toMatchObject({ status: 'ABORTED', reason: 'INSUFFICIENT_FUNDS' });

    const spans = await waitForTrace(
      saga.sagaId,
      holds([
        ...sentAndProcessed('account.DebitAccount.v1', 'order.RejectOrder.v1', 'order.RejectOrderReply.v1'),
        [CONSUMER, 'account.DebitAccountReply.v1'],
      ]),
    );

    expect(traceOf(saga.sagaId).traceIds.size, describeSpans(spans)).toBe(1);
    const sent = messageSpan(spans, PRODUCER, 'order.RejectOrder.v1');
    const processed = messageSpan(spans, CONSUMER, 'order.RejectOrder.v1');
    expect(sent).toMatchObject({
      service: 'orchestrator',
      name: 'send order',
      attributes: { [COMPENSATING]: true, 'messaging.destination.name': 'order' },
    });
    expect(processed).toMatchObject({ service: 'order', name: 'process order', attributes: { [COMPENSATING]: true } });
    // The orchestrator decided to compensate while processing the refusal of the debit.
    expect(messageSpan(spans, CONSUMER, 'account.DebitAccountReply.v1')).toMatchObject({
      service: 'orchestrator',
      attributes: { [COMPENSATING]: true, 'ordering.saga.type': 'checkout', 'ordering.saga.status': 'COMPENSATING' },
    });
    // The mark stays on the compensation: the order service's reply to it is not marked.
    expect(messageSpan(spans, PRODUCER, 'order.RejectOrderReply.v1')?.attributes[COMPENSATING]).toBeUndefined();
    expect(messageSpan(spans, PRODUCER, 'account.DebitAccount.v1')?.attributes[COMPENSATING]).toBeUndefined();
    expect(receiver().rejected()).toEqual([]);
  });
});
