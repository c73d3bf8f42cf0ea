import { MessageTypes } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import type { SagaEngine } from '../src/index.js';
import { runCheckout, sweepAfter } from './support/saga-driver.js';
import { useSagaTestBed, MAX_FORWARD_ATTEMPTS, RETRY_BACKOFF_MS } from './support/saga-test-bed.js';
import { fail, silent, succeed } from './support/simulated-participants.js';

const bed = useSagaTestBed();

const COMPENSATIONS: string[] = [MessageTypes.RefundAccount, MessageTypes.RejectOrder];

const compensationsSent = (): string[] =>
  bed.participants.taken.map((command) => command.type).filter((type) => COMPENSATIONS.includes(type));

const sweepAfterBackoff = (engine: SagaEngine) => sweepAfter(bed, RETRY_BACKOFF_MS + 1, engine);

describe('a compensation that fails', () => {
  it('when the order rejection fails twice before succeeding, then it is retried after a backoff each time and the saga ends ABORTED', async () => {
    bed.participants.script(MessageTypes.DebitAccount, fail('INSUFFICIENT_FUNDS'));
    bed.participants.script(MessageTypes.RejectOrder, fail('ORDER_LOCKED'), fail('ORDER_LOCKED'), succeed());
    const { engine, checkout } = await runCheckout(bed);

    // A failed compensation is not resent at once: the next send waits for the backoff.
    expect(await bed.readSaga(checkout.sagaId)).toMatchObject({ status: 'COMPENSATING', currentStep: 0, stepAttempt: 1 });
    expect(await engine.sweep(bed.database.db)).toMatchObject({ claimed: 0 });

    for (let retry = 0; retry < 2; retry += 1) {
      bed.clock.advance(RETRY_BACKOFF_MS + 1);
      expect(await engine.sweep(bed.database.db)).toMatchObject({ claimed: 1, resent: 1 });
      await bed.participants.runUntilQuiet(engine);
    }

    const saga = await bed.readSaga(checkout.sagaId);
    expect(saga).toMatchObject({ status: 'ABORTED', reason: 'INSUFFICIENT_FUNDS' });
    expect(saga.steps.map((step) => [step.name, step.status, step.attempts, step.compensationAttempts])).toEqual([
      ['createOrder', 'COMPENSATED', 1, 3],
      ['debitAccount', 'FAILED', 1, 0],
      ['approveOrder', 'PENDING', 0, 0],
    ]);
    const rejections = (await bed.commandsOf(checkout.sagaId)).filter((command) => command.direction === 'COMPENSATION');
    expect(rejections.map((command) => command.attempt).sort()).toEqual([1, 2, 3]);
    expect(new Set(rejections.map((command) => command.messageId)).size).toBe(3);
    expect(await bed.metricValue('saga_step_retries_total', { type: 'test-checkout', step: 'createOrder' })).toBe(2);
    expect(bed.logLines.filter((line) => line['msg'] === 'saga step failed, it will be sent again after a backoff')).toHaveLength(2);
  });

  it('when two steps need undoing and the later compensation fails first, then the earlier one waits until the later one succeeded', async () => {
    // A debit that times out is undone itself, then the order: two compensations in reverse order.
    bed.participants.script(MessageTypes.DebitAccount, silent());
    bed.participants.script(MessageTypes.RefundAccount, fail('LEDGER_BUSY'), succeed());
    const { engine, checkout } = await runCheckout(bed);
    for (let sweep = 0; sweep < MAX_FORWARD_ATTEMPTS; sweep += 1) await sweepAfterBackoff(engine);

    expect(await bed.readSaga(checkout.sagaId)).toMatchObject({ status: 'COMPENSATING', currentStep: 1 });
    expect(compensationsSent()).toEqual([MessageTypes.RefundAccount]);

    await sweepAfterBackoff(engine);

    expect(await bed.readSaga(checkout.sagaId)).toMatchObject({ status: 'ABORTED', reason: 'TIMEOUT' });
    expect(compensationsSent()).toEqual([MessageTypes.RefundAccount, MessageTypes.RefundAccount, MessageTypes.RejectOrder]);
  });
});
