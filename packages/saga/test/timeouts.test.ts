import { MessageTypes } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import { aCheckout } from './builders.js';
import { useSagaTestBed, MAX_FORWARD_ATTEMPTS, RETRY_BACKOFF_MS, STEP_TIMEOUT_MS } from './support/saga-test-bed.js';
import { runCheckout, sweepAfter } from './support/saga-driver.js';
import { fail, late, silent, succeed } from './support/simulated-participants.js';

const bed = useSagaTestBed();

const idsOf = (type: string): string[] => bed.participants.taken.filter((command) => command.type === type).map((command) => command.id);

describe('a participant that stays silent', () => {
  it('when the sweeper resends a command or sends its compensation, then each carries the trace context of the checkout that started the saga', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    bed.participants.script(MessageTypes.CreatePendingOrder, silent());
    const checkout = { ...aCheckout(), headers: { traceparent } };
    await bed.database.db.transaction((tx) => bed.newEngine().start(tx, checkout));
    await bed.participants.runUntilQuiet(bed.newEngine());

    for (let sweep = 0; sweep < MAX_FORWARD_ATTEMPTS + 1; sweep += 1) await sweepAfter(bed, RETRY_BACKOFF_MS * 2 ** sweep + 1);

    const sent = bed.participants.taken.filter((command) => command.correlationId === checkout.sagaId);
    expect(sent.map((command) => command.type)).toEqual([
      ...Array.from({ length: MAX_FORWARD_ATTEMPTS }, () => MessageTypes.CreatePendingOrder),
      MessageTypes.RejectOrder,
    ]);
    expect(sent.map((command) => command.headers.traceparent)).toEqual(sent.map(() => traceparent));
  });

  it('when the deadline has not passed, then the sweeper leaves the saga alone', async () => {
    bed.participants.script(MessageTypes.DebitAccount, silent());
    const { checkout } = await runCheckout(bed);
    const before = await bed.readSaga(checkout.sagaId);

    expect(await sweepAfter(bed, STEP_TIMEOUT_MS - 1)).toEqual({ claimed: 0, resent: 0, timedOut: 0, failed: 0 });
    expect(await bed.readSaga(checkout.sagaId)).toEqual(before);
  });

  it('when the debit stays silent, then it is resent with new message ids and growing waits, then compensated with TIMEOUT, itself included', async () => {
    bed.participants.script(MessageTypes.DebitAccount, late(), silent());
    const { checkout } = await runCheckout(bed);
    const deadlines: number[] = [];

    for (let attempt = 2; attempt <= MAX_FORWARD_ATTEMPTS; attempt += 1) {
      expect(await sweepAfter(bed, RETRY_BACKOFF_MS + 1)).toMatchObject({ claimed: 1, resent: 1, timedOut: 0 });
      const saga = await bed.readSaga(checkout.sagaId);
      expect(saga).toMatchObject({ status: 'RUNNING', currentStep: 1, stepAttempt: attempt });
      deadlines.push((saga.deadlineAt?.getTime() ?? 0) - bed.clock.now().getTime());
    }
    expect(deadlines).toEqual([2 * STEP_TIMEOUT_MS, 4 * STEP_TIMEOUT_MS]);
    const debits = idsOf(MessageTypes.DebitAccount);
    expect(new Set(debits).size).toBe(MAX_FORWARD_ATTEMPTS);
    expect(
      (await bed.commandsOf(checkout.sagaId))
        .filter((command) => command.stepIndex === 1)
        .map((command) => command.attempt)
        .sort(),
    ).toEqual([1, 2, 3]);

    expect(await sweepAfter(bed, RETRY_BACKOFF_MS + 1)).toMatchObject({ claimed: 1, resent: 0, timedOut: 1 });

    const saga = await bed.readSaga(checkout.sagaId);
    expect(saga).toMatchObject({ status: 'ABORTED', reason: 'TIMEOUT' });
    expect(saga.steps.map((step) => [step.name, step.status, step.attempts, step.compensationAttempts])).toEqual([
      ['createOrder', 'COMPENSATED', 1, 1],
      ['debitAccount', 'COMPENSATED', 3, 1],
      ['approveOrder', 'PENDING', 0, 0],
    ]);
    expect((await bed.outcomeOf(checkout.sagaId)).sent).toEqual([
      MessageTypes.CreatePendingOrder,
      MessageTypes.DebitAccount,
      MessageTypes.DebitAccount,
      MessageTypes.DebitAccount,
      MessageTypes.RefundAccount,
      MessageTypes.RejectOrder,
    ]);
    const reject = bed.participants.taken.find((command) => command.type === MessageTypes.RejectOrder);
    expect(reject?.payload).toMatchObject({ reason: 'TIMEOUT' });
    expect(bed.logLines.some((line) => line['msg'] === 'saga step timed out, compensating' && line['step'] === 'debitAccount')).toBe(true);
  });

  it('when the original reply of a timed-out step finally arrives, then it is ignored', async () => {
    bed.participants.script(MessageTypes.DebitAccount, late(), silent());
    const { checkout } = await runCheckout(bed);
    for (let sweep = 0; sweep < MAX_FORWARD_ATTEMPTS; sweep += 1) await sweepAfter(bed, RETRY_BACKOFF_MS + 1);
    const aborted = { saga: await bed.readSaga(checkout.sagaId), outbox: await bed.outboxOf(checkout.sagaId) };
    expect(aborted.saga.status).toBe('ABORTED');

    expect(bed.participants.held).toHaveLength(1);
    await bed.participants.deliverHeld(bed.newEngine());

    expect({ saga: await bed.readSaga(checkout.sagaId), outbox: await bed.outboxOf(checkout.sagaId) }).toEqual(aborted);
    expect(await bed.metricValue('saga_stale_replies_total')).toBe(1);
  });

  it('when the original reply arrives while the timed-out step is being compensated, then it is ignored and compensation goes on', async () => {
    bed.participants.script(MessageTypes.DebitAccount, late(), silent());
    bed.participants.script(MessageTypes.RefundAccount, silent(), succeed());
    const { checkout } = await runCheckout(bed);
    for (let sweep = 0; sweep < MAX_FORWARD_ATTEMPTS; sweep += 1) await sweepAfter(bed, RETRY_BACKOFF_MS + 1);
    expect(await bed.readSaga(checkout.sagaId)).toMatchObject({ status: 'COMPENSATING', currentStep: 1, reason: 'TIMEOUT' });

    await bed.participants.deliverHeld(bed.newEngine());
    expect(await bed.readSaga(checkout.sagaId)).toMatchObject({ status: 'COMPENSATING', currentStep: 1 });

    await sweepAfter(bed, RETRY_BACKOFF_MS + 1);
    expect(await bed.readSaga(checkout.sagaId)).toMatchObject({ status: 'ABORTED', reason: 'TIMEOUT' });
  });

  it('when the retriable step stays silent, then it is resent past every attempt limit and the saga completes once it answers', async () => {
    bed.participants.script(MessageTypes.ApproveOrder, silent(), silent(), silent(), silent(), silent(), succeed());
    const { checkout } = await runCheckout(bed);

    for (let sweep = 0; sweep < 5; sweep += 1)
      expect(await sweepAfter(bed, RETRY_BACKOFF_MS + 1)).toMatchObject({ resent: 1, timedOut: 0 });

    const saga = await bed.readSaga(checkout.sagaId);
    expect(saga.status).toBe('COMPLETED');
    expect(saga.steps.map((step) => step.attempts)).toEqual([1, 1, 6]);
    expect(await bed.metricValue('saga_step_retries_total', { type: 'test-checkout', step: 'approveOrder' })).toBe(5);
  });

  it('when a compensation stays silent, then it is resent forever, waiting at most the backoff cap', async () => {
    bed.participants.script(MessageTypes.DebitAccount, fail('INSUFFICIENT_FUNDS'));
    bed.participants.script(MessageTypes.RejectOrder, silent());
    const { checkout } = await runCheckout(bed);

    for (let sweep = 0; sweep < 6; sweep += 1) {
      expect(await sweepAfter(bed, RETRY_BACKOFF_MS + 1)).toMatchObject({ resent: 1 });
      const saga = await bed.readSaga(checkout.sagaId);
      expect((saga.deadlineAt?.getTime() ?? 0) - bed.clock.now().getTime()).toBeLessThanOrEqual(RETRY_BACKOFF_MS);
    }
    const saga = await bed.readSaga(checkout.sagaId);
    expect(saga).toMatchObject({ status: 'COMPENSATING', currentStep: 0, stepAttempt: 7 });
    expect(saga.steps[0]).toMatchObject({ status: 'DONE', compensationAttempts: 7 });
  });
});
