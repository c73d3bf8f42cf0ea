import { MessageTypes } from '@ordering/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { findSaga, SagaAlreadyActiveError, type SagaEngine, type StartSagaInput } from '../src/index.js';
import { aCancellation, aCheckout } from './builders.js';
import { useSagaTestBed } from './support/saga-test-bed.js';
import { fail } from './support/simulated-participants.js';

const bed = useSagaTestBed();
let engine: SagaEngine;

beforeEach(() => {
  engine = bed.newEngine();
});

const start = async (input: StartSagaInput): Promise<void> => {
  await bed.database.db.transaction((tx) => engine.start(tx, input));
};

/** Sessions of this test's database waiting for an advisory lock (pg_locks shows the whole cluster). */
const advisoryLockWaiters = async (): Promise<number> => {
  const result = await bed.database.pool.query<{ waiting: number }>(
    `select count(*)::int as waiting from pg_locks
      where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`,
  );
  return result.rows[0]?.waiting ?? 0;
};

describe('one active saga per business key', () => {
  it('when two starts of one key overlap on two connections, then exactly one succeeds', async () => {
    const replica = bed.connectReplica();
    const first = aCancellation();
    const second = aCancellation(first.businessKey, first.ownerId);
    let secondStart: Promise<unknown> = Promise.resolve();

    await bed.database.db.transaction(async (tx) => {
      await engine.start(tx, first);
      secondStart = replica.db.transaction((other) => engine.start(other, second));
      secondStart.catch(() => undefined);
      // The second start must wait for the first's transaction, not decide on a snapshot that misses its saga.
      await expect.poll(advisoryLockWaiters).toBe(1);
    });

    await expect(secondStart).rejects.toBeInstanceOf(SagaAlreadyActiveError);
    await expect(secondStart).rejects.toMatchObject({ sagaType: 'cancel-order', businessKey: first.businessKey });
    expect((await findSaga(bed.database.db, first.sagaId))?.saga.status).toBe('RUNNING');
    expect(await findSaga(bed.database.db, second.sagaId)).toBeUndefined();
  });

  it('when two starts of one key run at once, then one is started and the other refused', async () => {
    const first = aCancellation();
    const second = aCancellation(first.businessKey, first.ownerId);
    const replica = bed.connectReplica();

    const results = await Promise.allSettled([
      bed.database.db.transaction((tx) => engine.start(tx, first)),
      replica.db.transaction((tx) => engine.start(tx, second)),
    ]);

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((result) => result.status === 'rejected');
    expect(refused?.status === 'rejected' ? refused.reason : undefined).toBeInstanceOf(SagaAlreadyActiveError);
  });

  it('when the keys differ, then both start', async () => {
    await bed.database.db.transaction((tx) => engine.start(tx, aCancellation()));
    const other = aCancellation();
    await bed.database.db.transaction((tx) => engine.start(tx, other));
    expect((await findSaga(bed.database.db, other.sagaId))?.saga.status).toBe('RUNNING');
  });

  it('when the saga type does not ask for one active saga per key, then a second saga of the key starts', async () => {
    const first = aCheckout();
    const second = { ...aCheckout(), businessKey: first.businessKey };
    await bed.database.db.transaction((tx) => engine.start(tx, first));
    await bed.database.db.transaction((tx) => engine.start(tx, second));
    expect((await findSaga(bed.database.db, second.sagaId))?.saga.businessKey).toBe(first.businessKey);
  });
});

describe('one cancellation at a time per order', () => {
  it('when a second cancel-order saga starts for an order whose first one is not ABORTED, then it is refused', async () => {
    const first = aCancellation();
    await start(first);

    const second = aCancellation(first.businessKey, first.ownerId);
    await expect(bed.database.db.transaction((tx) => engine.start(tx, second))).rejects.toBeInstanceOf(SagaAlreadyActiveError);
    expect(await findSaga(bed.database.db, second.sagaId)).toBeUndefined();
  });

  it('when the earlier cancellation was ABORTED, then a new one may start', async () => {
    bed.participants.script(MessageTypes.BeginCancel, fail('ORDER_NOT_CANCELLABLE'));
    const first = aCancellation();
    await start(first);
    await bed.participants.runUntilQuiet(engine);
    expect((await findSaga(bed.database.db, first.sagaId))?.saga.status).toBe('ABORTED');

    const second = aCancellation(first.businessKey, first.ownerId);
    await start(second);
    expect((await findSaga(bed.database.db, second.sagaId))?.saga.status).toBe('RUNNING');
  });
});
