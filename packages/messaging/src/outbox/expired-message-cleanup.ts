import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { SqlExecutor } from '@ordering/platform';
import { inboxMessages, messageAttempts } from '../inbox/consumer-schema.js';
import { outboxMessages } from './outbox-schema.js';

export interface CleanupSettings {
  /** SENT outbox rows older than this are deleted. */
  outboxRetentionMs: number;
  /** Inbox rows (and failure counters) older than this are deleted; a duplicate older than this is not detected. */
  inboxRetentionMs: number;
  /** Rows per DELETE statement: small statements hold their locks briefly, even with a large backlog. */
  batchSize: number;
  /** Checked between statements so a shutdown does not wait for a long backlog. */
  shouldStop?: () => boolean;
}

export interface CleanupResult {
  outbox: number;
  inbox: number;
  attempts: number;
}

const olderThan = (ms: number) => sql`now() - make_interval(secs => ${ms / 1000})`;

/** Deletes batch after batch until a batch comes back short (or `shouldStop` says so); returns how many went. */
export const deleteInBatches = async (
  deleteBatch: () => Promise<number>,
  batchSize: number,
  shouldStop: () => boolean,
): Promise<number> => {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch();
    total += deleted;
    if (deleted < batchSize || shouldStop()) return total;
  }
};

/** One batch of a consumer's records (keyed by consumer and message id) whose `stamp` is older than `retentionMs`. */
const deleteExpiredRecords = async (
  db: SqlExecutor,
  table: typeof inboxMessages | typeof messageAttempts,
  stamp: typeof inboxMessages.receivedAt | typeof messageAttempts.updatedAt,
  retentionMs: number,
  limit: number,
): Promise<number> => {
  const deleted = await db.execute(sql`
        delete from ${table}
        where (${table.consumer}, ${table.messageId}) in (
          select ${table.consumer}, ${table.messageId} from ${table}
          where ${stamp} < ${olderThan(retentionMs)}
          limit ${limit} for update skip locked)`);
  return deleted.rowCount ?? 0;
};

/** Removes what has served its purpose: delivered outbox rows, old inbox records and old failure counters. */
export const cleanupExpiredMessages = async (db: SqlExecutor, settings: CleanupSettings): Promise<CleanupResult> => {
  const shouldStop = settings.shouldStop ?? (() => false);
  const limit = settings.batchSize;

  const outbox = await deleteInBatches(
    async () => {
      // SKIP LOCKED: two replicas cleaning at once split the work instead of waiting for each other.
      const expired = db
        .select({ id: outboxMessages.id })
        .from(outboxMessages)
        .where(and(eq(outboxMessages.status, 'SENT'), lt(outboxMessages.sentAt, olderThan(settings.outboxRetentionMs))))
        .limit(limit)
        .for('update', { skipLocked: true });
      const deleted = await db.delete(outboxMessages).where(inArray(outboxMessages.id, expired)).returning({ id: outboxMessages.id });
      return deleted.length;
    },
    limit,
    shouldStop,
  );

  const inbox = await deleteInBatches(
    () => deleteExpiredRecords(db, inboxMessages, inboxMessages.receivedAt, settings.inboxRetentionMs, limit),
    limit,
    shouldStop,
  );
  const attempts = await deleteInBatches(
    () => deleteExpiredRecords(db, messageAttempts, messageAttempts.updatedAt, settings.inboxRetentionMs, limit),
    limit,
    shouldStop,
  );

  return { outbox, inbox, attempts };
};
