import { MessageTypes } from '@ordering/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { OVERDUE_AFTER_MS, registerSagaGauges } from '../src/index.js';
import { aCancellation } from './builders.js';
import { useSagaTestBed, MAX_FORWARD_ATTEMPTS, RETRY_BACKOFF_MS, STEP_TIMEOUT_MS } from './support/saga-test-bed.js';
import { startCheckout, sweepAfter } from './support/saga-driver.js';
import { fail, silent, succeed } from './support/simulated-participants.js';
import { TEST_CHECKOUT, TEST_SAGAS } from './support/test-sagas.js';

const bed = useSagaTestBed();

const pendingCommands = (): Promise<number> =>
  bed.database.pool
    .query("select count(*)::int as n from outbox_messages where status = 'PENDING'")
    .then((result) => result.rows[0].n as number);

/** Each step's participant takes its command `elapsedMs` after it was sent, and answers as scripted. */
const answerEachAfter = async (elapsedMs: number): Promise<void> => {
  for (let round = 0; round < 20; round += 1) {
    if ((await pendingCommands()) === 0) return;
    bed.clock.advance(elapsedMs);
    await bed.participants.pump(bed.newEngine());
  }
  throw new Error('the participants never went quiet');
};

const stepDuration = (labels: Record<string, string>, sample: 'count' | 'sum') =>
  bed.metricValue('saga_step_duration_seconds', { type: TEST_CHECKOUT, ...labels }, sample);

/** Polls a gauge read at scrape: reads are cached for a moment, so a change shows up on a later scrape. */
const gaugeReaches = async (name: string, labels: Record<string, string>, expected: number): Promise<void> => {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await bed.metricValue(name, labels);
    if (value === expected) return;
    if (Date.now() > deadline) throw new Error(`${name}${JSON.stringify(labels)} stayed ${value}, expected ${expected}`);
    await sleep(50);
  }
};

describe('saga step metrics', () => {
  it('when a checkout completes, then each step is observed once, FORWARD and SUCCEEDED, for the time its participant took, and nothing is compensated', async () => {
    await startCheckout(bed);
    await answerEachAfter(250);

    for (const step of ['createOrder', 'debitAccount', 'approveOrder']) {
      expect(await stepDuration({ step, direction: 'FORWARD', outcome: 'SUCCEEDED' }, 'count')).toBe(1);
      expect(await stepDuration({ step, direction: 'FORWARD', outcome: 'SUCCEEDED' }, 'sum')).toBeCloseTo(0.25);
    }
    expect(await stepDuration({}, 'count')).toBe(3);
    expect(await bed.metricValue('saga_compensations_total')).toBe(0);
  });

  it('when the debit fails and the first compensation of the order fails too, then the order is compensated once, and each step is observed once with its outcome and direction', async () => {
    bed.participants.script(MessageTypes.DebitAccount, fail('INSUFFICIENT_FUNDS'));
    bed.participants.script(MessageTypes.RejectOrder, fail('ORDER_LOCKED'), succeed());
    const { checkout } = await startCheckout(bed);
    await answerEachAfter(100);
    // The failed compensation is sent again after its backoff, and then succeeds.
    await sweepAfter(bed, RETRY_BACKOFF_MS);

    expect(await bed.readSaga(checkout.sagaId)).toMatchObject({ status: 'ABORTED', reason: 'INSUFFICIENT_FUNDS' });
    expect(await stepDuration({ step: 'createOrder', direction: 'FORWARD', outcome: 'SUCCEEDED' }, 'count')).toBe(1);
    expect(await stepDuration({ step: 'debitAccount', direction: 'FORWARD', outcome: 'FAILED' }, 'count')).toBe(1);
    expect(await stepDuration({ step: 'createOrder', direction: 'COMPENSATION', outcome: 'SUCCEEDED' }, 'count')).toBe(1);
    // From the compensation's first send, across the failed attempt and the backoff, to the reply that settled it.
    expect(await stepDuration({ step: 'createOrder', direction: 'COMPENSATION' }, 'sum')).toBeCloseTo(0.1 + RETRY_BACKOFF_MS / 1000);
    expect(await stepDuration({}, 'count')).toBe(3);
    expect(await bed.metricValue('saga_compensations_total', { type: TEST_CHECKOUT, step: 'createOrder' })).toBe(1);
    expect(await bed.metricValue('saga_compensations_total', { type: TEST_CHECKOUT, step: 'debitAccount' })).toBe(0);
  });

  it('when the debit never answers, then it is observed once as TIMEOUT from its first send, and both steps are compensated once', async () => {
    bed.participants.script(MessageTypes.DebitAccount, silent());
    await startCheckout(bed);
    await answerEachAfter(100);
    let waited = 0;
    for (let attempt = 1; attempt <= MAX_FORWARD_ATTEMPTS; attempt += 1) {
      await sweepAfter(bed, RETRY_BACKOFF_MS + 1);
      waited += RETRY_BACKOFF_MS + 1;
    }

    expect(await stepDuration({ step: 'debitAccount', direction: 'FORWARD', outcome: 'TIMEOUT' }, 'count')).toBe(1);
    // Taken 100 ms after it was sent, then resent and swept until it was given up.
    expect(await stepDuration({ step: 'debitAccount', direction: 'FORWARD', outcome: 'TIMEOUT' }, 'sum')).toBeCloseTo(
      (100 + waited) / 1000,
    );
    expect(await stepDuration({ step: 'debitAccount', direction: 'FORWARD', outcome: 'SUCCEEDED' }, 'count')).toBe(0);
    expect(await bed.metricValue('saga_compensations_total', { type: TEST_CHECKOUT, step: 'debitAccount' })).toBe(1);
    expect(await bed.metricValue('saga_compensations_total', { type: TEST_CHECKOUT, step: 'createOrder' })).toBe(1);
  });

  it('when an engine starts, then the started, completed and compensation series of every saga type are exposed at 0', async () => {
    bed.newEngine();
    const text = await bed.metrics.registry.metrics();

    for (const type of ['test-checkout', 'cancel-order']) {
      expect(text).toContain(`saga_started_total{type="${type}",service="orchestrator"} 0`);
      expect(text).toContain(`saga_finished_total{type="${type}",status="COMPLETED",reason="NONE",service="orchestrator"} 0`);
    }
    expect(text).toContain('saga_compensations_total{type="test-checkout",step="createOrder",service="orchestrator"} 0');
    expect(text).toContain('saga_compensations_total{type="test-checkout",step="debitAccount",service="orchestrator"} 0');
    expect(text).toContain('saga_compensations_total{type="cancel-order",step="beginCancel",service="orchestrator"} 0');
    // Steps that cannot be undone have no compensation series.
    expect(text).not.toMatch(/saga_compensations_total\{[^}]*step="(approveOrder|refund|confirmCancel)"/);
    expect(text).toContain('# TYPE saga_step_duration_seconds histogram');
  });
});

describe('saga gauges', () => {
  it('when sagas run, compensate and finish, then sagas_in_flight counts the in-flight ones by type and status, and sagas_overdue those a minute past their deadline', async () => {
    registerSagaGauges({ db: bed.database.db, metrics: bed.metrics, logger: bed.newLogger(), definitions: TEST_SAGAS, now: bed.clock.now });
    bed.participants.script(MessageTypes.CreatePendingOrder, succeed(), silent(), succeed());
    bed.participants.script(MessageTypes.DebitAccount, succeed(), fail('INSUFFICIENT_FUNDS'));
    bed.participants.script(MessageTypes.RejectOrder, silent());
    const { checkout: completed } = await startCheckout(bed);
    await bed.participants.runUntilQuiet(bed.newEngine());
    const { checkout: running } = await startCheckout(bed);
    await bed.participants.runUntilQuiet(bed.newEngine());
    const { checkout: compensating } = await startCheckout(bed);
    await bed.participants.runUntilQuiet(bed.newEngine());
    expect(await Promise.all([completed, running, compensating].map(async ({ sagaId }) => (await bed.readSaga(sagaId)).status))).toEqual([
      'COMPLETED',
      'RUNNING',
      'COMPENSATING',
    ]);

    await gaugeReaches('sagas_in_flight', { type: TEST_CHECKOUT, status: 'RUNNING' }, 1);
    expect(await bed.metricValue('sagas_in_flight', { type: TEST_CHECKOUT, status: 'COMPENSATING' })).toBe(1);
    expect(await bed.metricValue('sagas_in_flight', { type: 'cancel-order' })).toBe(0);
    expect(await bed.metricValue('sagas_overdue', { type: TEST_CHECKOUT })).toBe(0);
    expect(await bed.metrics.registry.metrics()).toContain('sagas_overdue{type="cancel-order",service="orchestrator"} 0');

    // No sweeper runs: both deadlines pass, and a minute later both sagas are overdue.
    bed.clock.advance(STEP_TIMEOUT_MS + OVERDUE_AFTER_MS + 1);
    await gaugeReaches('sagas_overdue', { type: TEST_CHECKOUT }, 2);

    // The sweeper acts: the deadlines move on, nothing is overdue, and the sagas are still in flight.
    await bed.newEngine().sweep(bed.database.db);
    await gaugeReaches('sagas_overdue', { type: TEST_CHECKOUT }, 0);
    expect(await bed.metricValue('sagas_in_flight', { type: TEST_CHECKOUT })).toBe(2);
  });

  it('when a cancellation is in flight, then it is counted under its own type', async () => {
    registerSagaGauges({ db: bed.database.db, metrics: bed.metrics, logger: bed.newLogger(), definitions: TEST_SAGAS, now: bed.clock.now });
    await bed.database.db.transaction((tx) => bed.newEngine().start(tx, aCancellation()));

    await gaugeReaches('sagas_in_flight', { type: 'cancel-order', status: 'RUNNING' }, 1);
    expect(await bed.metricValue('sagas_in_flight', { type: TEST_CHECKOUT })).toBe(0);
  });
});
