import { MessageTypes } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import { createSagaSweeper, deleteSettledSagaCommands } from '../src/index.js';
import { aCheckout } from './builders.js';
import { useSagaTestBed } from './support/saga-test-bed.js';
import { silent } from './support/simulated-participants.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const RETENTION = { retentionMs: 7 * DAY_MS, batchSize: 500 };

const bed = useSagaTestBed();

const aCompletedCheckout = async (): Promise<string> => {
  const checkout = aCheckout();
  const engine = bed.newEngine();
  await bed.database.db.transaction((tx) => engine.start(tx, checkout));
  await bed.participants.runUntilQuiet(engine);
  expect((await bed.readSaga(checkout.sagaId)).status).toBe('COMPLETED');
  return checkout.sagaId;
};

/** The engine's clock is a test clock; the retention compares with the database's, so age the row there. */
const finishedDaysAgo = async (sagaId: string, days: number): Promise<void> => {
  await bed.database.pool.query(`update sagas set finished_at = now() - make_interval(days => $2) where id = $1`, [sagaId, days]);
};

describe('saga command retention', () => {
  it('when a saga finished longer ago than the retention, then its command rows go, its saga and steps stay, and a late reply to it changes nothing', async () => {
    const sagaId = await aCompletedCheckout();
    const [firstCommand] = bed.participants.taken;
    await finishedDaysAgo(sagaId, 8);
    const before = await bed.readSaga(sagaId);

    const deleted = await deleteSettledSagaCommands(bed.database.db, RETENTION);

    expect(deleted).toBe(3);
    expect(await bed.commandsOf(sagaId)).toEqual([]);
    expect(await bed.readSaga(sagaId)).toEqual(before);
    await bed.participants.deliver(bed.newEngine(), bed.participants.replyTo(firstCommand!));
    expect(await bed.readSaga(sagaId)).toEqual(before);
    expect(bed.logLines.some((line) => line['msg'] === 'reply to a command this orchestrator never sent, ignored')).toBe(true);
  });

  it('when a saga finished within the retention, or is still running, then its command rows stay', async () => {
    const recent = await aCompletedCheckout();
    await finishedDaysAgo(recent, 6);
    bed.participants.script(MessageTypes.CreatePendingOrder, silent());
    const running = aCheckout();
    await bed.database.db.transaction((tx) => bed.newEngine().start(tx, running));
    await bed.participants.runUntilQuiet(bed.newEngine());

    expect(await deleteSettledSagaCommands(bed.database.db, RETENTION)).toBe(0);

    expect(await bed.commandsOf(recent)).toHaveLength(3);
    expect(await bed.commandsOf(running.sagaId)).toHaveLength(1);
  });

  it('when the backlog is larger than a batch, then batch after batch deletes all of it', async () => {
    const sagaIds = [await aCompletedCheckout(), await aCompletedCheckout(), await aCompletedCheckout()];
    for (const sagaId of sagaIds) await finishedDaysAgo(sagaId, 30);

    expect(await deleteSettledSagaCommands(bed.database.db, { ...RETENTION, batchSize: 2 })).toBe(9);

    for (const sagaId of sagaIds) expect(await bed.commandsOf(sagaId)).toEqual([]);
  });

  it('when the sweeper runs, then it deletes expired command rows on its own', async () => {
    const sagaId = await aCompletedCheckout();
    await finishedDaysAgo(sagaId, 8);
    const sweeper = createSagaSweeper({
      engine: bed.newEngine(),
      db: bed.database.db,
      logger: bed.newLogger(),
      intervalMs: 10,
      commandRetention: { intervalMs: 0 },
    });

    const reported = (): boolean =>
      bed.logLines.some((line) => line['msg'] === 'deleted the command rows of long-finished sagas' && line['deleted'] === 3);

    sweeper.start();
    try {
      // The log line comes after the delete committed, so once it is there the rows are gone.
      await expect.poll(reported, { timeout: 30_000, interval: 50 }).toBe(true);
    } finally {
      await sweeper.stop();
    }
    expect(await bed.commandsOf(sagaId)).toEqual([]);
  });
});
