import { randomUUID } from 'node:crypto';
import { MessageTypes } from '@ordering/contracts';
import { AppError } from '@ordering/platform';
import { beforeEach, describe, expect, it } from 'vitest';
import { findSaga, listSagas, type SagaEngine, type StartSagaInput } from '../src/index.js';
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
  bed.clock.advance(1);
  return view.saga.id;
};

describe('finding a saga', () => {
  it('when the saga exists, then it comes with its steps in definition order', async () => {
    const sagaId = await start(aCheckout());
    const view = await findSaga(bed.database.db, sagaId);
    expect(view?.saga).toMatchObject({ id: sagaId, type: 'test-checkout', status: 'RUNNING' });
    expect(view?.steps.map((step) => step.name)).toEqual(['createOrder', 'debitAccount', 'approveOrder']);
  });

  it('when the id is unknown or not even a UUID, then there is no saga (and no database error)', async () => {
    expect(await findSaga(bed.database.db, randomUUID())).toBeUndefined();
    expect(await findSaga(bed.database.db, "'; DROP TABLE sagas; --")).toBeUndefined();
  });
});

describe('listing sagas', () => {
  it('when a customer pages through their sagas, then they come newest first, each exactly once, and only theirs', async () => {
    const customerId = randomUUID();
    const mine: string[] = [];
    for (let index = 0; index < 5; index += 1) mine.push(await start(aCheckout({ customerId })));
    await start(aCheckout());

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page += 1) {
      const result = await listSagas(bed.database.db, { ownerId: customerId, limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...result.items.map((item) => item.saga.id));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual([...mine].reverse());
  });

  it('when filtering by status and type, then only matching sagas are listed, with their steps', async () => {
    bed.participants.script(MessageTypes.CreatePendingOrder, fail('UNKNOWN_MENU_ITEM'));
    const aborted = await start(aCheckout());
    await bed.participants.runUntilQuiet(engine);
    const running = await start(aCheckout());
    const cancellation = await start(aCancellation());

    const abortedPage = await listSagas(bed.database.db, { status: 'ABORTED', limit: 10 });
    expect(abortedPage.items.map((item) => item.saga.id)).toEqual([aborted]);
    expect(abortedPage.items[0]?.steps.map((step) => step.status)).toEqual(['FAILED', 'PENDING', 'PENDING']);
    expect((await listSagas(bed.database.db, { type: 'cancel-order', limit: 10 })).items.map((item) => item.saga.id)).toEqual([
      cancellation,
    ]);
    expect(
      (await listSagas(bed.database.db, { status: 'RUNNING', type: 'test-checkout', limit: 10 })).items.map((item) => item.saga.id),
    ).toEqual([running]);
  });

  it('when the cursor is garbage, then the listing is refused with a 400 validation error', async () => {
    await expect(listSagas(bed.database.db, { limit: 10, cursor: 'not-a-cursor' })).rejects.toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    await expect(listSagas(bed.database.db, { limit: 10, cursor: "'; DROP TABLE sagas; --" })).rejects.toBeInstanceOf(AppError);
  });
});
