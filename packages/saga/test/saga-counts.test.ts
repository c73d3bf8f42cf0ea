import { randomUUID } from 'node:crypto';
import { MessageTypes } from '@ordering/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { countSagas, SAGA_COUNT_CAP, type SagaEngine, type StartSagaInput } from '../src/index.js';
import { aCancellation, aCheckout } from './builders.js';
import { useSagaTestBed } from './support/saga-test-bed.js';
import { fail } from './support/simulated-participants.js';

const bed = useSagaTestBed();
let engine: SagaEngine;

beforeEach(() => {
  engine = bed.newEngine();
});

const start = async (input: StartSagaInput): Promise<string> => {
  const view = await bed.database.db.transaction((tx) => engine.start(tx, input));
  bed.clock.advance(1_000);
  return view.saga.id;
};

const countsOf = (result: Awaited<ReturnType<typeof countSagas>>) =>
  result.counts.map(({ status, count, atLeast }) => [status, count, atLeast]);

describe('counting sagas per status', () => {
  it('when nothing matches, then every status is there, in order, with 0 and the default cap', async () => {
    const result = await countSagas(bed.database.db, {});
    expect(result.cap).toBe(SAGA_COUNT_CAP);
    expect(countsOf(result)).toEqual([
      ['RUNNING', 0, false],
      ['COMPENSATING', 0, false],
      ['COMPLETED', 0, false],
      ['ABORTED', 0, false],
    ]);
  });

  it('when sagas finished differently, then each status counts its own, and the filters narrow every count', async () => {
    const customerId = randomUUID();
    await start(aCheckout({ customerId }));
    await bed.participants.runUntilQuiet(engine);
    bed.participants.script(MessageTypes.CreatePendingOrder, fail('UNKNOWN_MENU_ITEM'));
    await start(aCheckout());
    await bed.participants.runUntilQuiet(engine);
    await start(aCheckout({ customerId }));
    await start(aCancellation(randomUUID(), customerId));

    expect(countsOf(await countSagas(bed.database.db, {}))).toEqual([
      ['RUNNING', 2, false],
      ['COMPENSATING', 0, false],
      ['COMPLETED', 1, false],
      ['ABORTED', 1, false],
    ]);
    expect(countsOf(await countSagas(bed.database.db, { search: customerId, type: 'test-checkout' }))).toEqual([
      ['RUNNING', 1, false],
      ['COMPENSATING', 0, false],
      ['COMPLETED', 1, false],
      ['ABORTED', 0, false],
    ]);
    expect(countsOf(await countSagas(bed.database.db, { reason: 'UNKNOWN_MENU_ITEM' }))).toEqual([
      ['RUNNING', 0, false],
      ['COMPENSATING', 0, false],
      ['COMPLETED', 0, false],
      ['ABORTED', 1, false],
    ]);
  });

  it('when more sagas match than the cap, then the count is the cap and says at least; exactly the cap is exact', async () => {
    for (let index = 0; index < 4; index += 1) await start(aCheckout());
    expect(countsOf(await countSagas(bed.database.db, {}, 3))[0]).toEqual(['RUNNING', 3, true]);
    expect(countsOf(await countSagas(bed.database.db, {}, 4))[0]).toEqual(['RUNNING', 4, false]);
    expect((await countSagas(bed.database.db, {}, 3)).cap).toBe(3);
  });

  it('when the search is not a UUID, then the count is refused with a 400 validation error', async () => {
    await expect(countSagas(bed.database.db, { search: 'nope' })).rejects.toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });
});
