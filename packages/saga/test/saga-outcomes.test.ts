import { MessageTypes } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import { defineSaga, findSaga, presentSaga, UnknownSagaTypeError } from '../src/index.js';
import { aCancellation, aCheckout, totalOf } from './builders.js';
import { useSagaTestBed, RETRY_BACKOFF_MS, STEP_TIMEOUT_MS } from './support/saga-test-bed.js';
import { startCheckout } from './support/saga-driver.js';
import { fail, silent, succeed } from './support/simulated-participants.js';
import { testCheckoutSaga } from './support/test-sagas.js';

const bed = useSagaTestBed();

const typesSent = async (sagaId: string): Promise<string[]> => (await bed.outboxOf(sagaId)).map((envelope) => envelope.type);

describe('starting a saga', () => {
  it('when a saga starts, then it is RUNNING at its first step and the first command waits in the outbox', async () => {
    const { checkout, view } = await startCheckout(bed);

    expect(view.saga).toMatchObject({ id: checkout.sagaId, status: 'RUNNING', currentStep: 0, version: 1, stepAttempt: 1 });
    expect(view.steps.map((step) => [step.name, step.status, step.attempts])).toEqual([
      ['createOrder', 'RUNNING', 1],
      ['debitAccount', 'PENDING', 0],
      ['approveOrder', 'PENDING', 0],
    ]);
    const [command, ...others] = await bed.outboxOf(checkout.sagaId);
    expect(others).toEqual([]);
    expect(command).toMatchObject({
      type: MessageTypes.CreatePendingOrder,
      source: 'orchestrator',
      destination: 'order',
      replyTo: 'orchestrator',
      correlationId: checkout.sagaId,
      causationId: null,
      payload: { orderId: checkout.data.orderId, customerId: checkout.data.customerId, items: checkout.data.items },
    });
    const stored = await bed.readSaga(checkout.sagaId);
    expect(stored.deadlineAt?.getTime()).toBe(bed.clock.now().getTime() + STEP_TIMEOUT_MS);
  });

  it('when a start fails inside its transaction, then neither the saga nor its command exists', async () => {
    const engine = bed.newEngine();
    const checkout = aCheckout();
    await expect(
      bed.database.db.transaction(async (tx) => {
        await engine.start(tx, checkout);
        throw new Error('the request failed after the start');
      }),
    ).rejects.toThrow('the request failed');
    expect(await bed.outboxOf(checkout.sagaId)).toEqual([]);
    await expect(bed.readSaga(checkout.sagaId)).rejects.toThrow(/no saga/);
  });

  it('when a definition builds a command that breaks its contract, then the start is refused and nothing is written', async () => {
    const broken = defineSaga<{ orderId: string }>({
      type: 'broken',
      participantsReplyTo: 'orchestrator',
      steps: [
        {
          name: 'approve',
          kind: 'retriable',
          participant: 'order',
          // @ts-expect-error the compiler refuses this payload too; the engine's check is for what types cannot see (JSON data)
          command: { type: MessageTypes.ApproveOrder, payload: () => ({ orderId: 42 }) },
        },
      ],
    });
    const engine = bed.newEngine({ definitions: [broken] });
    const checkout = { ...aCheckout(), type: 'broken' };

    await expect(bed.database.db.transaction((tx) => engine.start(tx, checkout))).rejects.toThrow(/breaks its contract/);
    await expect(bed.readSaga(checkout.sagaId)).rejects.toThrow(/no saga/);
    expect(await bed.outboxOf(checkout.sagaId)).toEqual([]);
  });

  it('when a saga of an unknown type is started, then it is refused', async () => {
    const engine = bed.newEngine();
    await expect(bed.database.db.transaction((tx) => engine.start(tx, { ...aCheckout(), type: 'teleport' }))).rejects.toBeInstanceOf(
      UnknownSagaTypeError,
    );
  });
});

describe('a saga runs to its end', () => {
  it('when every participant succeeds, then the saga is COMPLETED with three DONE steps and the data from onSuccess', async () => {
    const { engine, checkout } = await startCheckout(bed);
    await bed.participants.runUntilQuiet(engine);

    const saga = await bed.readSaga(checkout.sagaId);
    expect(saga).toMatchObject({ status: 'COMPLETED', reason: null, deadlineAt: null });
    expect(saga.finishedAt).not.toBeNull();
    expect(saga.steps.map((step) => step.status)).toEqual(['DONE', 'DONE', 'DONE']);
    expect(saga.data).toEqual({ ...checkout.data, total: totalOf(checkout.data.items) });
    expect(await typesSent(checkout.sagaId)).toEqual([
      MessageTypes.CreatePendingOrder,
      MessageTypes.DebitAccount,
      MessageTypes.ApproveOrder,
    ]);
    const debit = bed.participants.taken.find((command) => command.type === MessageTypes.DebitAccount);
    expect(debit?.payload).toEqual({
      customerId: checkout.data.customerId,
      orderId: checkout.data.orderId,
      amount: totalOf(checkout.data.items),
    });
  });

  it('when the debit fails, then the created order is compensated and the saga is ABORTED with the reason', async () => {
    bed.participants.script(MessageTypes.DebitAccount, fail('INSUFFICIENT_FUNDS'));
    const { engine, checkout } = await startCheckout(bed);
    await bed.participants.runUntilQuiet(engine);

    const saga = await bed.readSaga(checkout.sagaId);
    expect(saga).toMatchObject({ status: 'ABORTED', reason: 'INSUFFICIENT_FUNDS', deadlineAt: null });
    expect(saga.steps.map((step) => step.status)).toEqual(['COMPENSATED', 'FAILED', 'PENDING']);
    expect(await typesSent(checkout.sagaId)).toEqual([
      MessageTypes.CreatePendingOrder,
      MessageTypes.DebitAccount,
      MessageTypes.RejectOrder,
    ]);
    const reject = bed.participants.taken.find((command) => command.type === MessageTypes.RejectOrder);
    expect(reject).toMatchObject({ destination: 'order', payload: { orderId: checkout.data.orderId, reason: 'INSUFFICIENT_FUNDS' } });
  });

  it('when creating the order fails, then the saga is ABORTED at once and nothing is compensated', async () => {
    bed.participants.script(MessageTypes.CreatePendingOrder, fail('UNKNOWN_MENU_ITEM'));
    const { engine, checkout } = await startCheckout(bed);
    await bed.participants.runUntilQuiet(engine);

    const saga = await bed.readSaga(checkout.sagaId);
    expect(saga).toMatchObject({ status: 'ABORTED', reason: 'UNKNOWN_MENU_ITEM' });
    expect(saga.steps.map((step) => step.status)).toEqual(['FAILED', 'PENDING', 'PENDING']);
    expect(await typesSent(checkout.sagaId)).toEqual([MessageTypes.CreatePendingOrder]);
  });

  it('when the retriable last step fails, then it is sent again after a backoff until it succeeds, and the saga completes', async () => {
    bed.participants.script(MessageTypes.ApproveOrder, fail('ORDER_LOCKED'), fail('ORDER_LOCKED'), succeed());
    const { engine, checkout } = await startCheckout(bed);
    await bed.participants.runUntilQuiet(engine);
    expect(await bed.readSaga(checkout.sagaId)).toMatchObject({ status: 'RUNNING', currentStep: 2 });

    for (let round = 0; round < 2; round += 1) {
      bed.clock.advance(RETRY_BACKOFF_MS + 1);
      expect((await engine.sweep(bed.database.db)).resent).toBe(1);
      await bed.participants.runUntilQuiet(engine);
    }

    const saga = await bed.readSaga(checkout.sagaId);
    expect(saga).toMatchObject({ status: 'COMPLETED', reason: null });
    expect(saga.steps.map((step) => [step.status, step.attempts])).toEqual([
      ['DONE', 1],
      ['DONE', 1],
      ['DONE', 3],
    ]);
    expect(bed.logLines.filter((line) => line['msg'] === 'saga step failed, it will be sent again after a backoff')).toHaveLength(2);
  });

  it('when a saga is presented, then it has its business key, its owner and one entry per definition step', async () => {
    bed.participants.script(MessageTypes.DebitAccount, fail('INSUFFICIENT_FUNDS'));
    const { engine, checkout } = await startCheckout(bed);
    bed.clock.advance(250);
    await bed.participants.runUntilQuiet(engine);

    const view = await findSaga(bed.database.db, checkout.sagaId);
    if (!view) throw new Error('saga not found');
    const start = new Date('2030-01-01T00:00:00.000Z').toISOString();
    const later = new Date('2030-01-01T00:00:00.250Z').toISOString();
    expect(presentSaga(view.saga, view.steps, testCheckoutSaga)).toEqual({
      sagaId: checkout.sagaId,
      type: 'test-checkout',
      businessKey: checkout.data.orderId,
      ownerId: checkout.data.customerId,
      status: 'ABORTED',
      reason: 'INSUFFICIENT_FUNDS',
      steps: [
        { name: 'createOrder', status: 'COMPENSATED', at: later },
        { name: 'debitAccount', status: 'FAILED', at: later },
        { name: 'approveOrder', status: 'PENDING', at: start },
      ],
      createdAt: start,
      updatedAt: later,
    });
  });
});

describe('a pivot step (cancel-order shape)', () => {
  it('when the pivot fails, then the steps before it are compensated and the saga is ABORTED', async () => {
    bed.participants.script(MessageTypes.RefundAccount, fail('ACCOUNT_CLOSED'));
    const engine = bed.newEngine();
    const cancellation = aCancellation();
    await bed.database.db.transaction((tx) => engine.start(tx, cancellation));
    await bed.participants.runUntilQuiet(engine);

    const saga = await bed.readSaga(cancellation.sagaId);
    expect(saga).toMatchObject({ status: 'ABORTED', reason: 'ACCOUNT_CLOSED' });
    expect(saga.steps.map((step) => step.status)).toEqual(['COMPENSATED', 'FAILED', 'PENDING']);
    expect(await typesSent(cancellation.sagaId)).toEqual([MessageTypes.BeginCancel, MessageTypes.RefundAccount, MessageTypes.UndoCancel]);
  });

  it('when the pivot stays silent past every attempt, then it is sent again forever and never timed out (it cannot be undone)', async () => {
    bed.participants.script(MessageTypes.RefundAccount, silent(), silent(), silent(), silent(), silent(), succeed());
    const engine = bed.newEngine();
    const cancellation = aCancellation();
    await bed.database.db.transaction((tx) => engine.start(tx, cancellation));
    await bed.participants.runUntilQuiet(engine);

    for (let round = 0; round < 5; round += 1) {
      bed.clock.advance(RETRY_BACKOFF_MS + 1);
      expect(await engine.sweep(bed.database.db)).toMatchObject({ resent: 1, timedOut: 0 });
      await bed.participants.runUntilQuiet(engine);
    }

    const saga = await bed.readSaga(cancellation.sagaId);
    expect(saga).toMatchObject({ status: 'COMPLETED' });
    expect(saga.steps.map((step) => [step.status, step.attempts])).toEqual([
      ['DONE', 1],
      ['DONE', 6],
      ['DONE', 1],
    ]);
  });
});
