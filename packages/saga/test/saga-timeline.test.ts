import { randomUUID } from 'node:crypto';
import { MessageTypes } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import { loadSagaTimeline, presentSagaTimeline, type SagaDefinition } from '../src/index.js';
import { aCheckout } from './builders.js';
import { runCheckout, startCheckout } from './support/saga-driver.js';
import { insertHistory } from './support/saga-history-builders.js';
import { useSagaTestBed } from './support/saga-test-bed.js';
import { fail, silent } from './support/simulated-participants.js';
import { testCheckoutSaga } from './support/test-sagas.js';

const bed = useSagaTestBed();

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const TRACE_UI = 'http://127.0.0.1:16686/trace/{traceId}';

const definition: SagaDefinition = testCheckoutSaga;

const timelineOf = async (sagaId: string, traceUrlTemplate?: string) => {
  const records = await loadSagaTimeline(bed.database.db, sagaId);
  if (!records) throw new Error(`no timeline for ${sagaId}`);
  return presentSagaTimeline(records, definition, traceUrlTemplate ? { traceUrlTemplate } : {});
};

describe('the timeline of a saga', () => {
  it('when a traced checkout completed, then its steps, commands (oldest first, with their trace) and trace link are all there', async () => {
    const { checkout } = await runCheckout(bed, { ...aCheckout(), headers: { traceparent: TRACEPARENT } });
    const sent = await bed.commandsOf(checkout.sagaId);

    const timeline = await timelineOf(checkout.sagaId, TRACE_UI);

    expect(timeline.saga).toMatchObject({
      sagaId: checkout.sagaId,
      businessKey: checkout.data.orderId,
      ownerId: checkout.data.customerId,
      status: 'COMPLETED',
      currentStep: 2,
      deadlineAt: null,
      finishedAt: expect.any(String),
    });
    expect(timeline.steps.map(({ index, name, kind, status, attempts }) => [index, name, kind, status, attempts])).toEqual([
      [0, 'createOrder', 'compensatable', 'DONE', 1],
      [1, 'debitAccount', 'compensatable', 'DONE', 1],
      [2, 'approveOrder', 'retriable', 'DONE', 1],
    ]);
    expect(timeline.commands.map(({ stepName, direction, attempt }) => [stepName, direction, attempt])).toEqual([
      ['createOrder', 'FORWARD', 1],
      ['debitAccount', 'FORWARD', 1],
      ['approveOrder', 'FORWARD', 1],
    ]);
    expect(timeline.commands.map((command) => command.messageId).sort()).toEqual(sent.map((command) => command.messageId).sort());
    expect(timeline.commands.every((command) => command.traceId === TRACE_ID)).toBe(true);
    expect(timeline).toMatchObject({ traceId: TRACE_ID, traceUrl: `http://127.0.0.1:16686/trace/${TRACE_ID}`, legalRepairs: [] });
  });

  it('when the saga has history rows, then they come oldest first with their step names, and every field as written', async () => {
    const { view } = await startCheckout(bed);
    const sagaId = view.saga.id;
    const replyId = randomUUID();
    const actor = randomUUID();
    // The engine wrote the `started` row; the rest are written here as the engine would.
    await insertHistory(bed, sagaId, [
      { event: 'reply', stepIndex: 0, direction: 'FORWARD', outcome: 'SUCCEEDED', messageId: replyId, note: 'advanced' },
      { event: 'deadline', stepIndex: 1, direction: 'FORWARD', note: 'resent' },
      {
        event: 'repair',
        stepIndex: 1,
        direction: 'FORWARD',
        outcome: 'force-compensation',
        reason: 'stuck for hours',
        actor,
        statusAfter: 'COMPENSATING',
      },
    ]);

    const { history } = await timelineOf(sagaId);

    expect(history.map(({ event, stepName, outcome, note }) => [event, stepName, outcome, note])).toEqual([
      ['started', 'createOrder', null, null],
      ['reply', 'createOrder', 'SUCCEEDED', 'advanced'],
      ['deadline', 'debitAccount', null, 'resent'],
      ['repair', 'debitAccount', 'force-compensation', null],
    ]);
    expect(history[1]).toMatchObject({ messageId: replyId, direction: 'FORWARD', statusBefore: 'RUNNING', statusAfter: 'RUNNING' });
    expect(history[3]).toMatchObject({ reason: 'stuck for hours', actor, statusBefore: 'RUNNING', statusAfter: 'COMPENSATING' });
    expect(history.map((entry) => entry.id)).toEqual([...history.map((entry) => entry.id)].sort((a, b) => a - b));
  });

  it('when the saga runs or compensates, then the legal repairs are those of its state', async () => {
    const { view: running } = await startCheckout(bed);
    expect((await timelineOf(running.saga.id)).legalRepairs).toEqual(['retry-now', 'force-compensation']);

    bed.participants.script(MessageTypes.DebitAccount, fail('INSUFFICIENT_FUNDS'));
    bed.participants.script(MessageTypes.RejectOrder, silent());
    const { checkout } = await runCheckout(bed);
    const compensating = await timelineOf(checkout.sagaId);
    expect(compensating.saga).toMatchObject({ status: 'COMPENSATING', currentStep: 0, deadlineAt: expect.any(String), finishedAt: null });
    expect(compensating.legalRepairs).toEqual(['retry-now', 'mark-compensated']);
    expect(compensating.commands.map(({ stepName, direction }) => [stepName, direction])).toEqual([
      ['createOrder', 'FORWARD'],
      ['debitAccount', 'FORWARD'],
      ['createOrder', 'COMPENSATION'],
    ]);
  });

  it('when the commands carry no trace, then the timeline has no trace id nor link, even with a tracing UI configured', async () => {
    const { view } = await runCheckout(bed);
    const timeline = await timelineOf(view.saga.id, TRACE_UI);
    expect(timeline.commands.map((command) => command.traceId)).toEqual([null, null, null]);
    expect(timeline).toMatchObject({ traceId: null, traceUrl: null });
  });

  it('when the saga is loaded, then one statement reads it all', async () => {
    const { view } = await runCheckout(bed);
    const before = await bed.statementsSent();
    await loadSagaTimeline(bed.database.db, view.saga.id);
    expect((await bed.statementsSent()) - before).toBe(1);
  });

  it('when the id is unknown or not a UUID, then there is no timeline (and no database error)', async () => {
    expect(await loadSagaTimeline(bed.database.db, randomUUID())).toBeUndefined();
    expect(await loadSagaTimeline(bed.database.db, "'; DROP TABLE sagas; --")).toBeUndefined();
  });
});
