import type { Envelope } from '@ordering/contracts';
import type { SagaEngine, StartSagaInput } from '../../src/index.js';
import { aCheckout } from '../builders.js';
import type { SagaTestBed } from './saga-test-bed.js';

/** Drives a saga through the bed the way the tests' scenarios do: start it, let participants answer, sweep later. */

type Checkout = ReturnType<typeof aCheckout>;

/** Starts a saga in its own transaction, on a new engine unless given. */
export const startSaga = async <I extends StartSagaInput>(bed: SagaTestBed, input: I, engine: SagaEngine = bed.newEngine()) => {
  const view = await bed.database.db.transaction((tx) => engine.start(tx, input));
  return { engine, input, view };
};

/** Starts a checkout (a fresh one unless given). */
export const startCheckout = async (bed: SagaTestBed, checkout: Checkout = aCheckout(), engine?: SagaEngine) => {
  const { engine: started, view } = await startSaga(bed, checkout, engine);
  return { engine: started, checkout, view };
};

/** Starts a checkout and lets the simulated participants answer until nothing is left to answer. */
export const runCheckout = async (bed: SagaTestBed, checkout?: Checkout, engine?: SagaEngine) => {
  const started = await startCheckout(bed, checkout, engine);
  await bed.participants.runUntilQuiet(started.engine);
  return started;
};

/** The first command the saga sent, taken from the outbox, and the reply its participant would give. */
export const firstCommandAndReply = async (bed: SagaTestBed): Promise<{ command: Envelope; reply: Envelope }> => {
  const [command] = await bed.participants.takeCommands();
  if (!command) throw new Error('no command');
  return { command, reply: bed.participants.replyTo(command) };
};

/** Moves the clock on, sweeps, and lets the participants answer what the sweep sent. */
export const sweepAfter = async (bed: SagaTestBed, ms: number, engine: SagaEngine = bed.newEngine()) => {
  bed.clock.advance(ms);
  const result = await engine.sweep(bed.database.db);
  await bed.participants.runUntilQuiet(engine);
  return result;
};
