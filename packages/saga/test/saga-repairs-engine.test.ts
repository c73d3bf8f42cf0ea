import { MessageTypes, type Envelope } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import { SagaNotFoundError, SagaRepairNotAllowedError, type RepairAction, type SagaEngine } from '../src/index.js';
import { aCheckout } from './builders.js';
import { firstCommandAndReply, runCheckout, startCheckout, sweepAfter } from './support/saga-driver.js';
import { useSagaTestBed, MAX_FORWARD_ATTEMPTS, RETRY_BACKOFF_MS, STEP_TIMEOUT_MS } from './support/saga-test-bed.js';
import { fail, silent, succeed } from './support/simulated-participants.js';

const bed = useSagaTestBed();

const ADMIN = '6f1c3f5e-2b5a-4d4e-9a39-0d5b8c2f1e11';

interface HistoryRow {
  event: string;
  stepIndex: number | null;
  direction: string | null;
  outcome: string | null;
  messageId: string | null;
  reason: string | null;
  actor: string | null;
  statusBefore: string;
  statusAfter: string;
  note: string | null;
}

/** The saga's history rows, oldest first, read with plain SQL. */
const historyOf = async (sagaId: string): Promise<HistoryRow[]> => {
  const result = await bed.database.pool.query<HistoryRow>(
    `select event, step_index as "stepIndex", direction, outcome, message_id as "messageId", reason, actor,
            status_before as "statusBefore", status_after as "statusAfter", note
       from saga_history where saga_id = $1 order by id`,
    [sagaId],
  );
  return result.rows;
};

/** A history row the engine wrote by itself, about one step; the statuses and note are filled in by each test. */
const row = (event: string, stepIndex: number, direction: string, outcome: string | null = null): HistoryRow => ({
  event,
  stepIndex,
  direction,
  outcome,
  messageId: null,
  reason: null,
  actor: null,
  statusBefore: '',
  statusAfter: '',
  note: null,
});

const repair = (engine: SagaEngine, sagaId: string, action: RepairAction, why = 'the participant lost the command') =>
  engine.repair(bed.database.db, { sagaId, action, actor: ADMIN, why });

const pendingCommands = async (sagaId: string): Promise<Envelope[]> => {
  const sent = new Set(bed.participants.taken.map((command) => command.id));
  return (await bed.outboxOf(sagaId)).filter((envelope) => !sent.has(envelope.id));
};

describe('retry-now', () => {
  it('when a silent step is retried now, then its command is sent again with a new message id, the next attempt and a fresh deadline', async () => {
    bed.participants.script(MessageTypes.CreatePendingOrder, silent(), succeed());
    const { engine, checkout } = await runCheckout(bed);
    const [first] = bed.participants.taken;

    const view = await repair(engine, checkout.sagaId, 'retry-now');

    expect(view.saga).toMatchObject({ status: 'RUNNING', currentStep: 0, stepAttempt: 2, version: 2 });
    const saga = await bed.readSaga(checkout.sagaId);
    expect(saga).toMatchObject({ status: 'RUNNING', currentStep: 0, stepAttempt: 2 });
    expect(saga.deadlineAt?.getTime()).toBe(bed.clock.now().getTime() + 2 * STEP_TIMEOUT_MS);
    expect(saga.steps[0]).toMatchObject({ status: 'RUNNING', attempts: 2 });
    const [resent, ...others] = await pendingCommands(checkout.sagaId);
    expect(others).toEqual([]);
    expect(resent).toMatchObject({ type: MessageTypes.CreatePendingOrder, payload: first?.payload });
    expect(resent?.id).not.toBe(first?.id);
    expect((await bed.commandsOf(checkout.sagaId)).map((command) => [command.stepIndex, command.attempt, command.messageId])).toEqual([
      [0, 1, first?.id],
      [0, 2, resent?.id],
    ]);
    expect((await historyOf(checkout.sagaId)).at(-1)).toEqual({
      event: 'repair',
      stepIndex: 0,
      direction: 'FORWARD',
      outcome: 'retry-now',
      messageId: null,
      reason: 'the participant lost the command',
      actor: ADMIN,
      statusBefore: 'RUNNING',
      statusAfter: 'RUNNING',
      note: 'retried-by-operator',
    });

    // The resent command's reply moves the saga on as usual.
    await bed.participants.runUntilQuiet(engine);
    expect((await bed.readSaga(checkout.sagaId)).status).toBe('COMPLETED');
  });
});

describe('force-compensation', () => {
  it('when a running debit is forced to compensate, then it is refunded, the order rejected, and the saga ends ABORTED with COMPENSATION_FORCED', async () => {
    bed.participants.script(MessageTypes.DebitAccount, silent());
    const { engine, checkout } = await runCheckout(bed);

    const view = await repair(engine, checkout.sagaId, 'force-compensation', 'the bank is down for the day');

    expect(view.saga).toMatchObject({ status: 'COMPENSATING', currentStep: 1, reason: 'COMPENSATION_FORCED' });
    expect((await pendingCommands(checkout.sagaId)).map((command) => command.type)).toEqual([MessageTypes.RefundAccount]);

    await bed.participants.runUntilQuiet(engine);

    const saga = await bed.readSaga(checkout.sagaId);
    expect(saga).toMatchObject({ status: 'ABORTED', reason: 'COMPENSATION_FORCED' });
    expect(saga.steps.map((step) => [step.name, step.status])).toEqual([
      ['createOrder', 'COMPENSATED'],
      ['debitAccount', 'COMPENSATED'],
      ['approveOrder', 'PENDING'],
    ]);
    const reject = bed.participants.taken.find((command) => command.type === MessageTypes.RejectOrder);
    expect(reject?.payload).toMatchObject({ reason: 'COMPENSATION_FORCED' });
    expect((await historyOf(checkout.sagaId)).map((row) => [row.event, row.outcome, row.statusAfter, row.note])).toEqual([
      ['started', null, 'RUNNING', null],
      ['reply', 'SUCCEEDED', 'RUNNING', 'advanced'],
      ['repair', 'force-compensation', 'COMPENSATING', 'forced-compensation'],
      ['reply', 'SUCCEEDED', 'COMPENSATING', 'compensating'],
      ['reply', 'SUCCEEDED', 'ABORTED', 'aborted'],
    ]);
    expect((await historyOf(checkout.sagaId))[2]).toMatchObject({
      actor: ADMIN,
      reason: 'the bank is down for the day',
      statusBefore: 'RUNNING',
    });
  });
});

describe('mark-compensated', () => {
  it('when the refund in flight is marked compensated, then the order is rejected next without a refund reply', async () => {
    bed.participants.script(MessageTypes.DebitAccount, silent());
    bed.participants.script(MessageTypes.RefundAccount, silent());
    const { engine, checkout } = await runCheckout(bed);
    await repair(engine, checkout.sagaId, 'force-compensation');
    await bed.participants.runUntilQuiet(engine);

    const view = await repair(engine, checkout.sagaId, 'mark-compensated', 'refunded by hand in the ledger');

    expect(view.saga).toMatchObject({ status: 'COMPENSATING', currentStep: 0, stepAttempt: 1 });
    expect(view.steps.map((step) => step.status)).toEqual(['DONE', 'COMPENSATED', 'PENDING']);
    expect((await pendingCommands(checkout.sagaId)).map((command) => command.type)).toEqual([MessageTypes.RejectOrder]);
    await bed.participants.runUntilQuiet(engine);
    expect(await bed.readSaga(checkout.sagaId)).toMatchObject({ status: 'ABORTED', reason: 'COMPENSATION_FORCED' });
  });

  it('when the last compensation in flight is marked compensated, then the saga is ABORTED at once and nothing is sent', async () => {
    bed.participants.script(MessageTypes.DebitAccount, fail('INSUFFICIENT_FUNDS'));
    bed.participants.script(MessageTypes.RejectOrder, silent());
    const { engine, checkout } = await runCheckout(bed);
    const outboxBefore = await bed.outboxOf(checkout.sagaId);

    const view = await repair(engine, checkout.sagaId, 'mark-compensated', 'order rejected by hand');

    expect(view.saga).toMatchObject({ status: 'ABORTED', reason: 'INSUFFICIENT_FUNDS', deadlineAt: null });
    expect(view.saga.finishedAt).not.toBeNull();
    expect(view.steps.map((step) => step.status)).toEqual(['COMPENSATED', 'FAILED', 'PENDING']);
    expect(await bed.outboxOf(checkout.sagaId)).toEqual(outboxBefore);
    expect((await historyOf(checkout.sagaId)).at(-1)).toMatchObject({
      event: 'repair',
      stepIndex: 0,
      direction: 'COMPENSATION',
      outcome: 'mark-compensated',
      reason: 'order rejected by hand',
      actor: ADMIN,
      statusBefore: 'COMPENSATING',
      statusAfter: 'ABORTED',
      note: 'marked-compensated',
    });
  });
});

describe('refused repairs', () => {
  const snapshotOf = async (sagaId: string) => ({
    saga: await bed.readSaga(sagaId),
    history: await historyOf(sagaId),
    outbox: await bed.outboxOf(sagaId),
    commands: await bed.commandsOf(sagaId),
  });

  it('when a repair the saga state does not allow is asked, then REPAIR_NOT_ALLOWED names the status and legal repairs, and nothing changes', async () => {
    bed.participants.script(MessageTypes.DebitAccount, silent());
    const { engine, checkout } = await runCheckout(bed);
    const before = await snapshotOf(checkout.sagaId);

    const refused = repair(engine, checkout.sagaId, 'mark-compensated');

    await expect(refused).rejects.toBeInstanceOf(SagaRepairNotAllowedError);
    await expect(refused).rejects.toMatchObject({
      code: 'REPAIR_NOT_ALLOWED',
      sagaId: checkout.sagaId,
      action: 'mark-compensated',
      sagaStatus: 'RUNNING',
      legalRepairs: ['retry-now', 'force-compensation'],
    });
    await expect(refused).rejects.toThrow(
      /is RUNNING: mark-compensated is allowed only while the saga is COMPENSATING.*retry-now, force-compensation/,
    );
    expect(await snapshotOf(checkout.sagaId)).toEqual(before);
  });

  it('when any repair is asked of a finished saga, then it is refused with no repair allowed, and nothing changes', async () => {
    const { engine, checkout } = await runCheckout(bed);
    const before = await snapshotOf(checkout.sagaId);
    expect(before.saga.status).toBe('COMPLETED');

    for (const action of ['retry-now', 'force-compensation', 'mark-compensated'] as const) {
      await expect(repair(engine, checkout.sagaId, action)).rejects.toMatchObject({ sagaStatus: 'COMPLETED', legalRepairs: [] });
    }
    await expect(repair(engine, checkout.sagaId, 'retry-now')).rejects.toThrow(/is COMPLETED: .*repairs allowed now: none/);
    expect(await snapshotOf(checkout.sagaId)).toEqual(before);
  });

  it('when the saga is unknown or the id is not a UUID, then SagaNotFoundError', async () => {
    const engine = bed.newEngine();
    await expect(repair(engine, aCheckout().sagaId, 'retry-now')).rejects.toBeInstanceOf(SagaNotFoundError);
    await expect(repair(engine, 'not-a-uuid', 'retry-now')).rejects.toMatchObject({ code: 'NOT_FOUND', sagaId: 'not-a-uuid' });
  });
});

describe('a repair racing a reply', () => {
  it('when a reply holds the saga while a repair comes, then the repair waits and decides on what the reply committed', async () => {
    const { engine, checkout } = await startCheckout(bed);
    const { reply } = await firstCommandAndReply(bed);
    const handler = engine.replyHandlers().find((candidate) => candidate.type === reply.type);
    if (!handler) throw new Error(`no handler for ${reply.type}`);
    let commit = (): void => undefined;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    let handled = (): void => undefined;
    const replyHandled = new Promise<void>((resolve) => (handled = resolve));
    const replica = bed.connectReplica();

    const replying = replica.db.transaction(async (tx) => {
      await handler.handle(tx, reply);
      handled();
      await committed;
    });
    await replyHandled;
    const repairing = repair(engine, checkout.sagaId, 'force-compensation');
    repairing.catch(() => undefined);
    const lockWaits = async () =>
      (
        await bed.database.pool.query<{ waits: number }>(
          `select count(*)::int as waits from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        )
      ).rows[0]?.waits ?? 0;
    await expect.poll(lockWaits, { timeout: 20_000 }).toBe(1);
    commit();
    await replying;
    const view = await repairing;

    // The repair saw the debit running (step 1), not the order step the reply had just completed.
    expect(view.saga).toMatchObject({ status: 'COMPENSATING', currentStep: 1, version: 3, reason: 'COMPENSATION_FORCED' });
    expect(view.steps.map((step) => step.status)).toEqual(['DONE', 'FAILED', 'PENDING']);
    expect((await historyOf(checkout.sagaId)).map((row) => [row.event, row.stepIndex, row.statusBefore, row.statusAfter])).toEqual([
      ['started', 0, 'RUNNING', 'RUNNING'],
      ['reply', 0, 'RUNNING', 'RUNNING'],
      ['repair', 1, 'RUNNING', 'COMPENSATING'],
    ]);
  });
});

describe('history of what the engine did by itself', () => {
  it('when a checkout fails and is compensated, then its start, each reply acted on (id, outcome, reason) and nothing else is recorded', async () => {
    bed.participants.script(MessageTypes.DebitAccount, fail('INSUFFICIENT_FUNDS'));
    const { checkout } = await runCheckout(bed);

    const history = await historyOf(checkout.sagaId);
    expect(history).toEqual([
      { ...row('started', 0, 'FORWARD'), statusBefore: 'RUNNING', statusAfter: 'RUNNING' },
      {
        ...row('reply', 0, 'FORWARD', 'SUCCEEDED'),
        statusBefore: 'RUNNING',
        statusAfter: 'RUNNING',
        note: 'advanced',
        messageId: expect.any(String),
      },
      {
        ...row('reply', 1, 'FORWARD', 'FAILED'),
        reason: 'INSUFFICIENT_FUNDS',
        statusBefore: 'RUNNING',
        statusAfter: 'COMPENSATING',
        note: 'compensating',
        messageId: expect.any(String),
      },
      {
        ...row('reply', 0, 'COMPENSATION', 'SUCCEEDED'),
        statusBefore: 'COMPENSATING',
        statusAfter: 'ABORTED',
        note: 'aborted',
        messageId: expect.any(String),
      },
    ]);
    // Each reply row names its reply, not the command it answers.
    const replyIds = history.slice(1).map((entry) => entry.messageId);
    expect(new Set(replyIds).size).toBe(3);
    for (const command of bed.participants.taken) expect(replyIds).not.toContain(command.id);
  });

  it('when deadlines pass, then each sweep that acted leaves a deadline row with its note', async () => {
    bed.participants.script(MessageTypes.DebitAccount, silent());
    const { engine, checkout } = await runCheckout(bed);
    for (let sweep = 0; sweep < MAX_FORWARD_ATTEMPTS; sweep += 1) await sweepAfter(bed, RETRY_BACKOFF_MS + 1, engine);

    const deadlines = (await historyOf(checkout.sagaId)).filter((entry) => entry.event === 'deadline');
    expect(deadlines).toEqual([
      { ...row('deadline', 1, 'FORWARD'), statusBefore: 'RUNNING', statusAfter: 'RUNNING', note: 'resent' },
      { ...row('deadline', 1, 'FORWARD'), statusBefore: 'RUNNING', statusAfter: 'RUNNING', note: 'resent' },
      { ...row('deadline', 1, 'FORWARD'), statusBefore: 'RUNNING', statusAfter: 'COMPENSATING', note: 'timed-out' },
    ]);
  });
});
