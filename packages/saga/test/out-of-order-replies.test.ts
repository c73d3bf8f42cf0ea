import { MessageTypes, type Envelope } from '@ordering/contracts';
import { createEnvelope } from '@ordering/messaging';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useSagaTestBed, STEP_TIMEOUT_MS } from './support/saga-test-bed.js';
import { runCheckout, startCheckout, sweepAfter } from './support/saga-driver.js';
import { fail, silent } from './support/simulated-participants.js';

const bed = useSagaTestBed();

/** The debit and its retry both went unanswered: the saga waits at the debit with two commands out. */
const debitAndItsRetryUnanswered = async () => {
  bed.participants.script(MessageTypes.DebitAccount, silent(), silent());
  const { engine, checkout } = await runCheckout(bed);
  await sweepAfter(bed, STEP_TIMEOUT_MS + 1, engine);
  const [original, retry] = commandsOfType(MessageTypes.DebitAccount);
  if (!original || !retry) throw new Error('expected the original debit and its retry');
  return { engine, checkout, original, retry };
};

const commandsOfType = (type: string): Envelope[] => bed.participants.taken.filter((command) => command.type === type);

/** Everything a stale reply must leave alone. */
const snapshot = async (sagaId: string) => ({
  saga: await bed.readSaga(sagaId),
  outbox: await bed.outboxOf(sagaId),
  commands: await bed.commandsOf(sagaId),
});

const staleCount = () => bed.metricValue('saga_stale_replies_total', { type: 'test-checkout' });

describe('replies that arrive out of order', () => {
  it('when a late reply for an earlier step arrives after the saga moved on, then it is ignored, even if it says FAILED', async () => {
    bed.participants.script(MessageTypes.DebitAccount, silent());
    const { engine, checkout } = await startCheckout(bed);
    await bed.participants.runUntilQuiet(engine);
    const before = await snapshot(checkout.sagaId);
    expect(before.saga).toMatchObject({ status: 'RUNNING', currentStep: 1 });

    const [createOrder] = commandsOfType(MessageTypes.CreatePendingOrder);
    if (!createOrder) throw new Error('no CreatePendingOrder command');
    await bed.participants.deliver(engine, bed.participants.replyTo(createOrder, fail('UNKNOWN_MENU_ITEM')));

    expect(await snapshot(checkout.sagaId)).toEqual(before);
    expect(await staleCount()).toBe(1);
  });

  it('when the reply to a command superseded by a retry arrives after the retry was answered, then it is ignored', async () => {
    const { engine, checkout, original, retry } = await debitAndItsRetryUnanswered();
    expect(retry.id).not.toBe(original.id);

    await bed.participants.deliver(engine, bed.participants.replyTo(retry));
    await bed.participants.runUntilQuiet(engine);
    const completed = await snapshot(checkout.sagaId);
    expect(completed.saga.status).toBe('COMPLETED');

    await bed.participants.deliver(engine, bed.participants.replyTo(original));
    expect(await snapshot(checkout.sagaId)).toEqual(completed);
    expect(await staleCount()).toBe(1);
  });

  it('when the original command is answered after its retry was sent, then that reply counts (same step) and the retry reply is ignored', async () => {
    const { engine, checkout, original, retry } = await debitAndItsRetryUnanswered();

    await bed.participants.deliver(engine, bed.participants.replyTo(original));
    expect(await bed.readSaga(checkout.sagaId)).toMatchObject({ status: 'RUNNING', currentStep: 2 });
    const advanced = await snapshot(checkout.sagaId);

    await bed.participants.deliver(engine, bed.participants.replyTo(retry));
    expect(await snapshot(checkout.sagaId)).toEqual(advanced);
    expect(await staleCount()).toBe(1);
  });

  it('when a reply arrives for a saga that already finished, then it is ignored and the saga stays as it was', async () => {
    const { engine, checkout } = await startCheckout(bed);
    await bed.participants.runUntilQuiet(engine);
    const finished = await snapshot(checkout.sagaId);
    expect(finished.saga.status).toBe('COMPLETED');

    for (const command of bed.participants.taken)
      await bed.participants.deliver(engine, bed.participants.replyTo(command, fail('LATE_FAILURE')));

    expect(await snapshot(checkout.sagaId)).toEqual(finished);
    expect(await staleCount()).toBe(3);
  });

  it('when a reply names a command that was never sent, or has the wrong type for its command, then it is ignored and logged', async () => {
    const { engine, checkout } = await startCheckout(bed);
    const before = await snapshot(checkout.sagaId);
    const [command] = await bed.participants.takeCommands();
    if (!command) throw new Error('no command');

    const unknown = createEnvelope({
      type: MessageTypes.CreatePendingOrderReply,
      source: 'order',
      destination: 'orchestrator',
      correlationId: checkout.sagaId,
      causationId: randomUUID(),
      payload: { orderId: checkout.data.orderId, outcome: 'FAILED', reason: 'FORGED' },
    });
    await bed.participants.deliver(engine, unknown);
    const wrongType = {
      ...bed.participants.replyTo(command),
      type: MessageTypes.ApproveOrderReply,
      payload: { orderId: checkout.data.orderId, outcome: 'SUCCEEDED' },
    };
    await bed.participants.deliver(engine, wrongType);

    expect(await snapshot(checkout.sagaId)).toEqual(before);
    const warnings = bed.logLines.filter((line) => line['level'] === 'warn').map((line) => line['msg']);
    expect(warnings).toEqual([
      'reply to a command this orchestrator never sent, ignored',
      'reply does not answer the command it names, ignored',
    ]);
  });
});
