import { MessageTypes } from '@ordering/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSagaFinishedListener, type SagaFinishedListener } from '../src/index.js';
import { aCheckout } from './builders.js';
import { useSagaTestBed } from './support/saga-test-bed.js';
import { silent } from './support/simulated-participants.js';

const bed = useSagaTestBed();
let listener: SagaFinishedListener;

// Registered after the bed's hooks, so (hooks run as a stack) the listener closes before its database is dropped.
beforeEach(() => {
  listener = createSagaFinishedListener(bed.database.pool.options, bed.newLogger());
});

afterEach(async () => {
  await listener?.close();
});

const LONG_MS = 20_000;

/** How a waiter's `next` ended: by the signal, or by its timer. */
const nextOutcome = async (watch: { next(ms: number): Promise<void> }, ms: number): Promise<'signalled' | 'timed out'> => {
  const started = Date.now();
  await watch.next(ms);
  return Date.now() - started < ms - 50 ? 'signalled' : 'timed out';
};

/** A new connection plus LISTEN: allow for a loaded machine. */
const untilListening = async (): Promise<void> => {
  await vi.waitFor(() => expect(listener.listening()).toBe(true), { timeout: 15_000, interval: 20 });
};

/** A checkout started by a fresh engine, and a waiter on its saga that is already listening. */
const aWatchedCheckout = async () => {
  const engine = bed.newEngine();
  const checkout = aCheckout();
  await bed.database.db.transaction((tx) => engine.start(tx, checkout));
  const watch = listener.watch(checkout.sagaId);
  await untilListening();
  return { engine, checkout, watch };
};

describe('the saga-finished signal', () => {
  it('when a saga becomes terminal, then a waiter on any connection is woken after the commit', async () => {
    const { engine, checkout, watch } = await aWatchedCheckout();

    const woken = nextOutcome(watch, LONG_MS);
    await bed.participants.runUntilQuiet(engine);

    expect(await woken).toBe('signalled');
    expect((await bed.readSaga(checkout.sagaId)).status).toBe('COMPLETED');
    watch.close();
  });

  it('when the saga only moves a step on, then the waiter is not woken', async () => {
    bed.participants.script(MessageTypes.DebitAccount, silent());
    const { engine, checkout, watch } = await aWatchedCheckout();

    await bed.participants.runUntilQuiet(engine);

    expect((await bed.readSaga(checkout.sagaId)).status).toBe('RUNNING');
    expect(await nextOutcome(watch, 300)).toBe('timed out');
    watch.close();
  });

  it('when the signal arrives between two waits, then the next wait returns at once', async () => {
    const { engine, watch } = await aWatchedCheckout();

    await bed.participants.runUntilQuiet(engine);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(await nextOutcome(watch, LONG_MS)).toBe('signalled');
    watch.close();
  });
});
