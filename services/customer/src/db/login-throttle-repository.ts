import { and, eq, inArray, isNull, lt, lte, or } from 'drizzle-orm';
import type { ThrottleScope, ThrottleState } from '../domain/login-throttle.js';
import { loginThrottles } from './schema.js';
import type { CustomerExecutor } from './customer-database.js';

export interface ThrottleKey {
  scope: ThrottleScope;
  key: string;
}

const stateOf = (row: { failures: number; lastFailureAt: Date; lockedUntil: Date | null }): ThrottleState => ({
  failures: row.failures,
  lastFailureAt: row.lastFailureAt,
  lockedUntil: row.lockedUntil ?? undefined,
});

const matches = ({ scope, key }: ThrottleKey) => and(eq(loginThrottles.scope, scope), eq(loginThrottles.key, key));

/** The stored state of each key, in the order given (undefined where no row exists). A plain read: no lock. */
export const readThrottles = async (
  executor: CustomerExecutor,
  keys: readonly ThrottleKey[],
): Promise<Array<ThrottleState | undefined>> => {
  const rows = await executor
    .select()
    .from(loginThrottles)
    .where(or(...keys.map(matches)));
  return keys.map((wanted) => {
    const row = rows.find((candidate) => candidate.scope === wanted.scope && candidate.key === wanted.key);
    return row ? stateOf(row) : undefined;
  });
};

/**
 * Row-locks each key's row until the transaction ends, so concurrent attempts on any replica apply their changes one
 * after the other instead of losing updates. With `createMissing`, an absent row is first inserted (racing inserts
 * settle on the primary key) so that it can be locked too. Keys are locked in one fixed order (scope, then key):
 * two transactions never wait on each other in a cycle.
 */
export const lockThrottles = async (
  tx: CustomerExecutor,
  keys: readonly ThrottleKey[],
  { createMissing, now }: { createMissing: boolean; now: Date },
): Promise<Array<ThrottleState | undefined>> => {
  const ordered = [...keys].sort((a, b) => (a.scope === b.scope ? (a.key < b.key ? -1 : 1) : a.scope < b.scope ? -1 : 1));
  const states = new Map<ThrottleKey, ThrottleState | undefined>();
  for (const key of ordered) {
    if (createMissing) {
      // A placeholder with no failures yet: the caller's update sets its real state in the same transaction.
      await tx
        .insert(loginThrottles)
        .values({ ...key, failures: 0, lastFailureAt: now })
        .onConflictDoNothing();
    }
    const rows = await tx.select().from(loginThrottles).where(matches(key)).for('update');
    states.set(key, rows[0] ? stateOf(rows[0]) : undefined);
  }
  return keys.map((key) => states.get(key));
};

/** Stores a key's new state, or deletes its row when the state is gone (undefined). */
export const saveThrottle = async (tx: CustomerExecutor, key: ThrottleKey, state: ThrottleState | undefined): Promise<void> => {
  if (!state) {
    await tx.delete(loginThrottles).where(matches(key));
    return;
  }
  await tx
    .insert(loginThrottles)
    .values({ ...key, failures: state.failures, lastFailureAt: state.lastFailureAt, lockedUntil: state.lockedUntil ?? null })
    .onConflictDoUpdate({
      target: [loginThrottles.scope, loginThrottles.key],
      set: { failures: state.failures, lastFailureAt: state.lastFailureAt, lockedUntil: state.lockedUntil ?? null },
    });
};

/**
 * Deletes up to `limit` rows of a scope that hold nothing any more: no failure since `forgottenBefore` and no lock
 * running at `now`. Returns how many went, so the caller can repeat until a batch comes back short.
 */
export const deleteIdleThrottles = async (
  executor: CustomerExecutor,
  { scope, forgottenBefore, now, limit }: { scope: ThrottleScope; forgottenBefore: Date; now: Date; limit: number },
): Promise<number> => {
  const idle = executor
    .select({ key: loginThrottles.key })
    .from(loginThrottles)
    .where(
      and(
        eq(loginThrottles.scope, scope),
        lt(loginThrottles.lastFailureAt, forgottenBefore),
        or(isNull(loginThrottles.lockedUntil), lte(loginThrottles.lockedUntil, now)),
      ),
    )
    .limit(limit)
    // Another replica pruning at the same time takes other rows instead of waiting on these.
    .for('update', { skipLocked: true });
  const deleted = await executor
    .delete(loginThrottles)
    .where(and(eq(loginThrottles.scope, scope), inArray(loginThrottles.key, idle)))
    .returning({ key: loginThrottles.key });
  return deleted.length;
};
