import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { SqlExecutor } from './sql-executor.js';
import { AppError } from '../errors/app-error.js';

/** Include this table in a service's Drizzle schema so its migrations create it. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    customerId: uuid('customer_id').notNull(),
    route: text('route').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    response: jsonb('response'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.customerId, table.route, table.key] })],
);

export const IDEMPOTENCY_WINDOW_HOURS = 24;

export interface IdempotencyScope {
  customerId: string;
  route: string;
  key: string;
  request: unknown;
}

export interface StoredResult<T> {
  statusCode: number;
  body: T;
  replayed: boolean;
}

// Any Drizzle database or transaction over node-postgres, whatever its schema.

/** Key order must not matter: {a,b} and {b,a} are the same request. */
const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

export const hashRequest = (request: unknown): string => createHash('sha256').update(canonicalJson(request)).digest('hex');

const claimKey = async (tx: SqlExecutor, scope: IdempotencyScope, requestHash: string): Promise<boolean> => {
  // A concurrent request with the same key blocks here until the first commits, then sees the conflict.
  const claimed = await tx
    .insert(idempotencyKeys)
    .values({ customerId: scope.customerId, route: scope.route, key: scope.key, requestHash })
    .onConflictDoUpdate({
      target: [idempotencyKeys.customerId, idempotencyKeys.route, idempotencyKeys.key],
      // An expired key is free again: take it over as if it were new.
      set: { requestHash, statusCode: null, response: null, createdAt: sql`now()` },
      setWhere: sql`${idempotencyKeys.createdAt} < now() - make_interval(hours => ${IDEMPOTENCY_WINDOW_HOURS})`,
    })
    .returning({ key: idempotencyKeys.key });
  return claimed.length === 1;
};

const findStored = async (tx: SqlExecutor, scope: IdempotencyScope) => {
  const rows = await tx
    .select()
    .from(idempotencyKeys)
    .where(
      and(eq(idempotencyKeys.customerId, scope.customerId), eq(idempotencyKeys.route, scope.route), eq(idempotencyKeys.key, scope.key)),
    );
  return rows[0];
};

/**
 * Runs `action` at most once per (customer, route, key) within the window. Must be called inside the same
 * transaction as the action's writes, so the key and the effect commit or roll back together.
 */
export const executeIdempotently = async <T>(
  tx: SqlExecutor,
  scope: IdempotencyScope,
  action: () => Promise<{ statusCode: number; body: T }>,
): Promise<StoredResult<T>> => {
  const requestHash = hashRequest(scope.request);
  if (await claimKey(tx, scope, requestHash)) {
    const result = await action();
    await tx
      .update(idempotencyKeys)
      .set({ statusCode: result.statusCode, response: result.body as object })
      .where(
        and(eq(idempotencyKeys.customerId, scope.customerId), eq(idempotencyKeys.route, scope.route), eq(idempotencyKeys.key, scope.key)),
      );
    return { ...result, replayed: false };
  }
  const stored = await findStored(tx, scope);
  if (!stored || stored.requestHash !== requestHash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 422, { detail: 'This Idempotency-Key was already used with a different request body' });
  }
  if (stored.statusCode === null) {
    throw new AppError('IDEMPOTENCY_KEY_IN_USE', 409, { detail: 'A request with this Idempotency-Key is still being processed' });
  }
  return { statusCode: stored.statusCode, body: stored.response as T, replayed: true };
};
