import { randomUUID } from 'node:crypto';
import { MessageTypes } from '@ordering/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { listSagas, type SagaEngine, type SagaListQuery, type StartSagaInput } from '../src/index.js';
import { aCancellation, aCheckout } from './builders.js';
import { useSagaTestBed } from './support/saga-test-bed.js';
import { fail } from './support/simulated-participants.js';

const bed = useSagaTestBed();
let engine: SagaEngine;

beforeEach(() => {
  engine = bed.newEngine();
});

const MINUTE = 60_000;

/** Starts a saga, then moves the clock a minute on: each saga is a minute younger than the one before. */
const start = async (input: StartSagaInput): Promise<string> => {
  const view = await bed.database.db.transaction((tx) => engine.start(tx, input));
  bed.clock.advance(MINUTE);
  return view.saga.id;
};

const idsOf = async (query: Omit<SagaListQuery, 'limit'>): Promise<string[]> =>
  (await listSagas(bed.database.db, { limit: 100, ...query })).items.map((item) => item.saga.id);

describe('listing sagas by the console filters', () => {
  it('when filtering by reason, then only the sagas aborted with that exact reason are listed', async () => {
    bed.participants.script(MessageTypes.CreatePendingOrder, fail('UNKNOWN_MENU_ITEM'));
    const unknownItem = await start(aCheckout());
    await bed.participants.runUntilQuiet(engine);
    await start(aCheckout());

    expect(await idsOf({ reason: 'UNKNOWN_MENU_ITEM' })).toEqual([unknownItem]);
    expect(await idsOf({ reason: 'INSUFFICIENT_FUNDS' })).toEqual([]);
    expect(await idsOf({ reason: 'unknown_menu_item' })).toEqual([]);
  });

  it('when filtering by age, then olderThan keeps sagas created at or before it and newerThan those at or after it', async () => {
    const oldest = await start(aCheckout());
    const middle = await start(aCheckout());
    const newest = await start(aCheckout());
    const middleCreatedAt = (await bed.readSaga(middle)).createdAt;

    expect(await idsOf({ olderThan: middleCreatedAt })).toEqual([middle, oldest]);
    expect(await idsOf({ newerThan: middleCreatedAt })).toEqual([newest, middle]);
    expect(await idsOf({ olderThan: middleCreatedAt, newerThan: middleCreatedAt })).toEqual([middle]);
    expect(await idsOf({ newerThan: bed.clock.now() })).toEqual([]);
  });

  it('when searching a UUID, then the saga with that id, business key or owner is found, and nothing else', async () => {
    const customerId = randomUUID();
    const checkout = aCheckout({ customerId });
    const bought = await start(checkout);
    const cancelled = await start(aCancellation(checkout.data.orderId, customerId));
    const stranger = await start(aCheckout());

    expect(await idsOf({ search: bought })).toEqual([bought]);
    expect(await idsOf({ search: checkout.data.orderId })).toEqual([cancelled, bought]);
    expect(await idsOf({ search: customerId })).toEqual([cancelled, bought]);
    expect(await idsOf({ search: stranger })).toEqual([stranger]);
    expect(await idsOf({ search: randomUUID() })).toEqual([]);
  });

  it('when filters are combined, then they all hold and pages still come newest first without repeats', async () => {
    const customerId = randomUUID();
    const mine: string[] = [];
    for (let index = 0; index < 5; index += 1) mine.push(await start(aCheckout({ customerId })));
    await start(aCancellation(randomUUID(), customerId));
    await start(aCheckout());

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page += 1) {
      const result = await listSagas(bed.database.db, {
        search: customerId,
        type: 'test-checkout',
        status: 'RUNNING',
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...result.items.map((item) => item.saga.id));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual([...mine].reverse());
  });

  it.each(['not-a-uuid', "'; DROP TABLE sagas; --", `urn:uuid:${randomUUID()}`])(
    'when the search is %s, then the listing is refused with a 400 validation error on q',
    async (search) => {
      await expect(listSagas(bed.database.db, { limit: 10, search })).rejects.toMatchObject({
        status: 400,
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'querystring.q' }],
      });
    },
  );
});
