import { MessageTypes } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import type { SagaEngine } from '../src/index.js';
import { aCheckout, theSameCheckoutAgain } from './builders.js';
import { useSagaTestBed, MAX_FORWARD_ATTEMPTS, RETRY_BACKOFF_MS } from './support/saga-test-bed.js';
import { fail, silent, succeed } from './support/simulated-participants.js';

const bed = useSagaTestBed();

type Scenario = (engine: () => SagaEngine) => Promise<void>;

/**
 * Runs a scenario twice: once with one engine, once with a brand-new engine for every transaction (as if the
 * orchestrator crashed and restarted after each commit). Both runs must end identically.
 */
const runBothWays = async (scenario: Scenario) => {
  const engines: SagaEngine[] = [];
  const uninterrupted = aCheckout();
  const single = bed.newEngine();
  await bed.database.db.transaction((tx) => single.start(tx, uninterrupted));
  await scenario(() => single);

  const restarted = theSameCheckoutAgain(uninterrupted);
  const fresh = (): SagaEngine => {
    const engine = bed.newEngine();
    engines.push(engine);
    return engine;
  };
  await bed.database.db.transaction((tx) => fresh().start(tx, restarted));
  await scenario(fresh);
  return {
    expected: await bed.outcomeOf(uninterrupted.sagaId),
    actual: await bed.outcomeOf(restarted.sagaId),
    enginesUsed: engines.length,
  };
};

/** Drive the participants one delivery at a time, each through whatever engine the source gives. */
const deliverOneByOne = async (engine: () => SagaEngine): Promise<void> => {
  for (let round = 0; round < 20; round += 1) {
    if ((await bed.participants.pump(engine)) === 0) return;
  }
};

/** After the backoff, one sweep by the source's engine, then the participants answer what it sent. */
const sweepAfterBackoff = async (engine: () => SagaEngine): Promise<void> => {
  bed.clock.advance(RETRY_BACKOFF_MS + 1);
  await engine().sweep(bed.database.db);
  await deliverOneByOne(engine);
};

describe('a restart after every committed transaction', () => {
  it('when the orchestrator restarts after each transaction of a successful checkout, then it completes exactly as without restarts', async () => {
    const { expected, actual, enginesUsed } = await runBothWays(deliverOneByOne);
    expect(actual).toEqual(expected);
    expect(actual.status).toBe('COMPLETED');
    expect(enginesUsed).toBe(4);
  });

  it('when the orchestrator restarts after each transaction of a compensating checkout, then it aborts exactly as without restarts', async () => {
    const scenario: Scenario = async (engine) => {
      bed.participants.script(MessageTypes.DebitAccount, fail('INSUFFICIENT_FUNDS'));
      bed.participants.script(MessageTypes.RejectOrder, fail('ORDER_BUSY'), succeed());
      await deliverOneByOne(engine);
      await sweepAfterBackoff(engine);
    };
    const { expected, actual } = await runBothWays(scenario);
    expect(actual).toEqual(expected);
    expect(actual).toMatchObject({ status: 'ABORTED', reason: 'INSUFFICIENT_FUNDS' });
  });

  it('when the orchestrator restarts between the sweeps of a timed-out step, then it times out and compensates exactly as without restarts', async () => {
    const scenario: Scenario = async (engine) => {
      bed.participants.script(MessageTypes.DebitAccount, silent());
      await deliverOneByOne(engine);
      for (let sweep = 0; sweep < MAX_FORWARD_ATTEMPTS; sweep += 1) await sweepAfterBackoff(engine);
    };
    const { expected, actual } = await runBothWays(scenario);
    expect(actual).toEqual(expected);
    expect(actual).toMatchObject({ status: 'ABORTED', reason: 'TIMEOUT' });
  });
});

describe('a crash before a transaction commits', () => {
  it('when the process dies inside each reply transaction, then nothing of it survives and the redelivered reply continues the saga', async () => {
    const checkout = aCheckout();
    await bed.database.db.transaction((tx) => bed.newEngine().start(tx, checkout));

    for (let round = 0; round < 10; round += 1) {
      const [command] = await bed.participants.takeCommands();
      if (!command) break;
      const reply = bed.participants.replyTo(command);
      const before = { saga: await bed.readSaga(checkout.sagaId), outbox: await bed.outboxOf(checkout.sagaId) };
      const handler = bed
        .newEngine()
        .replyHandlers()
        .find((candidate) => candidate.type === reply.type);
      await expect(
        bed.database.db.transaction(async (tx) => {
          await handler?.handle(tx, reply);
          throw new Error('crash before commit');
        }),
      ).rejects.toThrow('crash before commit');
      expect({ saga: await bed.readSaga(checkout.sagaId), outbox: await bed.outboxOf(checkout.sagaId) }).toEqual(before);

      await bed.participants.deliver(bed.newEngine(), reply);
    }

    const saga = await bed.readSaga(checkout.sagaId);
    expect(saga.status).toBe('COMPLETED');
    expect(saga.steps.map((step) => [step.status, step.attempts])).toEqual([
      ['DONE', 1],
      ['DONE', 1],
      ['DONE', 1],
    ]);
  });

  it('when the process dies inside a sweep transaction, then the sweep is undone and the next sweep resends exactly once', async () => {
    bed.participants.script(MessageTypes.CreatePendingOrder, silent());
    const checkout = aCheckout();
    await bed.database.db.transaction((tx) => bed.newEngine().start(tx, checkout));
    await bed.participants.runUntilQuiet(bed.newEngine());
    bed.clock.advance(RETRY_BACKOFF_MS + 1);
    const before = { saga: await bed.readSaga(checkout.sagaId), outbox: await bed.outboxOf(checkout.sagaId) };

    await expect(
      bed.database.db.transaction(async (tx) => {
        await bed.newEngine().sweep(tx);
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect({ saga: await bed.readSaga(checkout.sagaId), outbox: await bed.outboxOf(checkout.sagaId) }).toEqual(before);

    expect(await bed.newEngine().sweep(bed.database.db)).toMatchObject({ claimed: 1, resent: 1 });
    expect((await bed.outboxOf(checkout.sagaId)).map((envelope) => envelope.type)).toEqual([
      MessageTypes.CreatePendingOrder,
      MessageTypes.CreatePendingOrder,
    ]);
  });
});
