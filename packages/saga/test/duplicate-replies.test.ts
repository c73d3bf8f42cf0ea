import { MessageTypes } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import { aCheckout, theSameCheckoutAgain } from './builders.js';
import { useSagaTestBed } from './support/saga-test-bed.js';
import { firstCommandAndReply, runCheckout, startCheckout } from './support/saga-driver.js';
import { fail, succeed, twice } from './support/simulated-participants.js';

const bed = useSagaTestBed();

describe('every reply delivered twice', () => {
  it('when each reply of a successful checkout arrives twice, then the outcome is the same and each command was sent once', async () => {
    const baseline = aCheckout();
    await runCheckout(bed, baseline);

    for (const type of [MessageTypes.CreatePendingOrder, MessageTypes.DebitAccount, MessageTypes.ApproveOrder])
      bed.participants.script(type, twice());
    const duplicated = theSameCheckoutAgain(baseline);
    await runCheckout(bed, duplicated);

    const outcome = await bed.outcomeOf(duplicated.sagaId);
    expect(outcome).toEqual(await bed.outcomeOf(baseline.sagaId));
    expect(outcome.status).toBe('COMPLETED');
    expect(outcome.sent).toEqual([MessageTypes.CreatePendingOrder, MessageTypes.DebitAccount, MessageTypes.ApproveOrder]);
    expect(await bed.metricValue('saga_stale_replies_total', { type: 'test-checkout' })).toBe(3);
  });

  it('when each reply of a failing checkout arrives twice, including the compensation reply, then it aborts once, as without duplicates', async () => {
    bed.participants.script(MessageTypes.DebitAccount, fail('INSUFFICIENT_FUNDS'));
    const baseline = aCheckout();
    await runCheckout(bed, baseline);

    bed.participants.script(MessageTypes.CreatePendingOrder, twice());
    bed.participants.script(MessageTypes.DebitAccount, twice(fail('INSUFFICIENT_FUNDS')));
    bed.participants.script(MessageTypes.RejectOrder, twice(succeed()));
    const duplicated = theSameCheckoutAgain(baseline);
    await runCheckout(bed, duplicated);

    const outcome = await bed.outcomeOf(duplicated.sagaId);
    expect(outcome).toEqual(await bed.outcomeOf(baseline.sagaId));
    expect(outcome).toMatchObject({ status: 'ABORTED', reason: 'INSUFFICIENT_FUNDS' });
    expect(outcome.sent).toEqual([MessageTypes.CreatePendingOrder, MessageTypes.DebitAccount, MessageTypes.RejectOrder]);
    expect(outcome.steps.map((step) => [step.status, step.attempts, step.compensationAttempts])).toEqual([
      ['COMPENSATED', 1, 1],
      ['FAILED', 1, 0],
      ['PENDING', 0, 0],
    ]);
  });

  it('when the same reply is delivered twice in a row, then the second delivery changes nothing, not even the version', async () => {
    const { engine, checkout } = await startCheckout(bed);
    const { reply } = await firstCommandAndReply(bed);

    await bed.participants.deliver(engine, reply);
    const afterFirst = await bed.readSaga(checkout.sagaId);
    const outboxAfterFirst = await bed.outboxOf(checkout.sagaId);
    await bed.participants.deliver(engine, reply);

    expect(await bed.readSaga(checkout.sagaId)).toEqual(afterFirst);
    expect(await bed.outboxOf(checkout.sagaId)).toEqual(outboxAfterFirst);
  });
});
