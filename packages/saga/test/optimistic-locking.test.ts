import { MessageTypes } from '@ordering/contracts';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { SqlExecutor } from '@ordering/platform';
import { SagaVersionConflictError } from '../src/index.js';
import { lockSagaOfCommand } from '../src/saga-locks.js';
import { updateSaga } from '../src/saga-writes.js';
import { aCheckout } from './builders.js';
import { useSagaTestBed } from './support/saga-test-bed.js';
import { firstCommandAndReply, startCheckout } from './support/saga-driver.js';

const bed = useSagaTestBed();

interface Session {
  prepareQuery(...args: unknown[]): { execute(...args: unknown[]): Promise<unknown> };
}

/**
 * A writer that ignores the row lock: it bumps the saga's version just before the engine's own update of it (the
 * prepared statement that writes a transition, which the engine runs on the transaction's session).
 */
const withInterferingWriter = (tx: SqlExecutor, sagaId: string): SqlExecutor => {
  let interfered = false;
  const interfere = async (): Promise<void> => {
    if (interfered) return;
    interfered = true;
    await tx.execute(sql`update sagas set version = version + 1 where id = ${sagaId}`);
  };
  const internals = (tx as unknown as { _: { session: Session } })._;
  const session = new Proxy(internals.session, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property !== 'prepareQuery' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        const prepared = (value as Session['prepareQuery']).apply(target, args);
        if (args[2] !== 'saga_write_transition') return prepared;
        return { execute: async (...values: unknown[]) => interfere().then(() => prepared.execute(...values)) };
      };
    },
  });
  return new Proxy(tx, {
    get(target, property) {
      if (property === '_') return { ...internals, session };
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
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
    const { engine, checkout } = await startCheckout(bed);
    const { reply } = await firstCommandAndReply(bed);
    const handler = engine.replyHandlers().find((candidate) => candidate.type === MessageTypes.CreatePendingOrderReply);
    const before = { saga: await bed.readSaga(checkout.sagaId), outbox: await bed.outboxOf(checkout.sagaId) };

    await expect(
      bed.database.db.transaction((tx) => handler!.handle(withInterferingWriter(tx, checkout.sagaId), reply)),
    ).rejects.toBeInstanceOf(SagaVersionConflictError);
    expect({ saga: await bed.readSaga(checkout.sagaId), outbox: await bed.outboxOf(checkout.sagaId) }).toEqual(before);

    await bed.participants.deliver(engine, reply);
    expect(await bed.readSaga(checkout.sagaId)).toMatchObject({ status: 'RUNNING', currentStep: 1, version: before.saga.version + 1 });
  });

  it('when a reply waits on the saga lock while another transition commits, then it reads the saga and the steps that transition wrote', async () => {
    const { engine } = await startCheckout(bed);
    const { command, reply } = await firstCommandAndReply(bed);
    const handler = engine.replyHandlers().find((candidate) => candidate.type === reply.type);
    let commit = (): void => undefined;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    let written = false;
    const transition = bed.database.db.transaction(async (tx) => {
      await handler!.handle(tx, reply);
      written = true;
      await committing;
    });
    await expect.poll(() => written, { timeout: 20_000 }).toBe(true);

    const replica = bed.connectReplica();
    const waiting = replica.db.transaction((tx) => lockSagaOfCommand(tx, command.id));
    const lockWaits = async (): Promise<number> =>
      (
        await bed.database.pool.query<{ waits: number }>(
          `select count(*)::int as waits from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        )
      ).rows[0]?.waits ?? 0;
    await expect.poll(lockWaits, { timeout: 20_000 }).toBe(1);
    commit();
    await transition;

    const locked = await waiting;
    expect(locked?.saga).toMatchObject({ version: 2, currentStep: 1 });
    expect(locked?.stepStatuses).toEqual(['DONE', 'RUNNING', 'PENDING']);
  });
});
