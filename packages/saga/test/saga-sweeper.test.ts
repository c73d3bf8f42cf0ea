import { setTimeout as sleep } from 'node:timers/promises';
import { MessageTypes } from '@ordering/contracts';
import { describe, expect, it, vi } from 'vitest';
import { createSagaSweeper, type SagaDatabase, type SagaEngine } from '../src/index.js';
import { aCancellation, aCheckout } from './builders.js';
import { useSagaTestBed, RETRY_BACKOFF_MS } from './support/saga-test-bed.js';
import { silent } from './support/simulated-participants.js';
import { testCheckoutSaga } from './support/test-sagas.js';

const bed = useSagaTestBed();

/** A database that refuses to open transactions the first `failures` times, like PostgreSQL restarting. */
const flakyDatabase = (db: SagaDatabase, failures: number): SagaDatabase => {
  let left = failures;
  return new Proxy(db, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'transaction' && typeof value === 'function') {
        return (...args: unknown[]) => {
          if (left > 0) {
            left -= 1;
            return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
          }
          return value.apply(target, args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
};

const aSilentSagaPastItsDeadline = async (): Promise<string> => {
  bed.participants.script(MessageTypes.CreatePendingOrder, silent());
  const checkout = aCheckout();
  await bed.database.db.transaction((tx) => bed.newEngine().start(tx, checkout));
  await bed.participants.runUntilQuiet(bed.newEngine());
  bed.clock.advance(RETRY_BACKOFF_MS + 1);
  return checkout.sagaId;
};

const countingPasses = (engine: SagaEngine) => {
  const counter = { passes: 0 };
  const counted: SagaEngine = {
    ...engine,
    sweep: (db) => {
      counter.passes += 1;
      return engine.sweep(db);
    },
  };
  return { engine: counted, counter };
};

describe('one sweep pass', () => {
  it('when one due saga cannot be handled, then the others of its batch are still swept and the broken one is postponed', async () => {
    bed.participants.script(MessageTypes.CreatePendingOrder, silent());
    bed.participants.script(MessageTypes.BeginCancel, silent());
    const healthy = aCheckout();
    const orphan = aCancellation();
    await bed.database.db.transaction(async (tx) => {
      await bed.newEngine().start(tx, healthy);
      await bed.newEngine().start(tx, orphan);
    });
    await bed.participants.runUntilQuiet(bed.newEngine());
    bed.clock.advance(RETRY_BACKOFF_MS + 1);

    // This engine no longer knows the cancel-order saga (say, a deploy removed its definition).
    const result = await bed.newEngine({ definitions: [testCheckoutSaga] }).sweep(bed.database.db);

    expect(result).toMatchObject({ claimed: 2, resent: 1, failed: 1 });
    expect((await bed.outboxOf(healthy.sagaId)).length).toBe(2);
    const postponed = await bed.readSaga(orphan.sagaId);
    expect(postponed).toMatchObject({ status: 'RUNNING', stepAttempt: 1 });
    expect(postponed.deadlineAt?.getTime()).toBe(bed.clock.now().getTime() + RETRY_BACKOFF_MS);
    expect(
      bed.logLines.some((line) => line['msg'] === 'saga sweep failed for this saga, postponed' && line['sagaId'] === orphan.sagaId),
    ).toBe(true);
  });
});

describe('the background sweeper', () => {
  it('when a saga is past its deadline, then the running sweeper resends its command without being asked', async () => {
    const sagaId = await aSilentSagaPastItsDeadline();
    const sweeper = createSagaSweeper({ engine: bed.newEngine(), db: bed.database.db, intervalMs: 10, logger: bed.newLogger() });
    sweeper.start();
    try {
      await vi.waitFor(async () => expect((await bed.outboxOf(sagaId)).length).toBe(2), { timeout: 10_000, interval: 20 });
    } finally {
      await sweeper.stop();
    }
  });

  it('when the database is unreachable for a while, then each failed pass is logged and the sweeper carries on once it is back', async () => {
    const sagaId = await aSilentSagaPastItsDeadline();
    const sweeper = createSagaSweeper({
      engine: bed.newEngine(),
      db: flakyDatabase(bed.database.db, 3),
      intervalMs: 10,
      logger: bed.newLogger(),
    });
    sweeper.start();
    try {
      await vi.waitFor(async () => expect((await bed.outboxOf(sagaId)).length).toBe(2), { timeout: 10_000, interval: 20 });
    } finally {
      await sweeper.stop();
    }
    const failures = bed.logLines.filter((line) => line['msg'] === 'saga sweep pass failed, will try again');
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatchObject({ level: 'warn', component: 'saga-sweeper' });
  });

  it('when the sweeper is stopped, then no further pass starts', async () => {
    const { engine, counter } = countingPasses(bed.newEngine());
    const sweeper = createSagaSweeper({ engine, db: bed.database.db, intervalMs: 5, logger: bed.newLogger() });
    sweeper.start();
    await vi.waitFor(() => expect(counter.passes).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 5 });
    await sweeper.stop();
    const passesAtStop = counter.passes;
    await sleep(50);
    expect(counter.passes).toBe(passesAtStop);
  });
});
