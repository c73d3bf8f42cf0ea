import { MessageTypes } from '@ordering/contracts';
import type { SqlExecutor } from '@ordering/messaging';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sagas, SagaVersionConflictError } from '../src/index.js';
import { updateSaga } from '../src/saga-repository.js';
import { aCheckout } from './builders.js';
import { createSagaTestBed, type SagaTestBed } from './support/saga-test-bed.js';

let bed: SagaTestBed;

beforeEach(async () => {
  bed = await createSagaTestBed();
});

afterEach(async () => {
  await bed?.close();
});

/** Runs `before` once, right before the wrapped query builder executes. */
const deferExecution = <T extends object>(builder: T, before: () => Promise<unknown>): T =>
  new Proxy(builder, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'then') {
        const then = value as PromiseLike<unknown>['then'];
        return (onFulfilled: never, onRejected: never) => before().then(() => then.call(target, onFulfilled, onRejected));
      }
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        return result && typeof result === 'object' ? deferExecution(result, before) : result;
      };
    },
  });

/** A writer that ignores the row lock: it bumps the saga's version just before the engine's own update of it. */
const withInterferingWriter = (tx: SqlExecutor, sagaId: string): SqlExecutor => {
  let interfered = false;
  const interfere = async (): Promise<void> => {
    if (interfered) return;
    interfered = true;
    await tx.execute(sql`update sagas set version = version + 1 where id = ${sagaId}`);
  };
  return new Proxy(tx, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property !== 'update') return value.bind(target);
      return (table: unknown) => {
        const builder = value.call(target, table) as object;
        return table === sagas ? deferExecution(builder, interfere) : builder;
      };
    },
  });
};

describe('optimistic locking of saga rows', () => {
  it('when an update carries a stale version, then it changes nothing; with the current version it applies and bumps it', async () => {
    const checkout = aCheckout();
    await bed.database.db.transaction((tx) => bed.newEngine().start(tx, checkout));
    const before = await bed.readSaga(checkout.sagaId);
    const changes = {
      status: 'COMPLETED' as const,
      currentStep: 2,
      stepAttempt: 0,
      reason: null,
      data: {},
      deadlineAt: null,
      updatedAt: new Date(),
      finishedAt: new Date(),
    };

    expect(await updateSaga(bed.database.db, checkout.sagaId, before.version - 1, changes)).toBe(false);
    expect(await bed.readSaga(checkout.sagaId)).toEqual(before);

    expect(await updateSaga(bed.database.db, checkout.sagaId, before.version, changes)).toBe(true);
    expect(await bed.readSaga(checkout.sagaId)).toMatchObject({ status: 'COMPLETED', version: before.version + 1 });
  });

  it('when the saga changes between the engine read and its write, then the engine reports a conflict, nothing is written, and a redelivery applies', async () => {
    const checkout = aCheckout();
    const engine = bed.newEngine();
    await bed.database.db.transaction((tx) => engine.start(tx, checkout));
    const [command] = await bed.participants.takeCommands();
    if (!command) throw new Error('no command');
    const reply = bed.participants.replyTo(command);
    const handler = engine.replyHandlers().find((candidate) => candidate.type === MessageTypes.CreatePendingOrderReply);
    const before = { saga: await bed.readSaga(checkout.sagaId), outbox: await bed.outboxOf(checkout.sagaId) };

    await expect(bed.database.db.transaction((tx) => handler!.handle(withInterferingWriter(tx, checkout.sagaId), reply))).rejects.toBeInstanceOf(
      SagaVersionConflictError,
    );
    expect({ saga: await bed.readSaga(checkout.sagaId), outbox: await bed.outboxOf(checkout.sagaId) }).toEqual(before);

    await bed.participants.deliver(engine, reply);
    expect(await bed.readSaga(checkout.sagaId)).toMatchObject({ status: 'RUNNING', currentStep: 1, version: before.saga.version + 1 });
  });
});
