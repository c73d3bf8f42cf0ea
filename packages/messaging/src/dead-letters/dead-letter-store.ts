import { decodeCursor, isUuid, sanitizeText, toPage, type SqlExecutor } from '@ordering/platform';
import { and, desc, eq, isNull, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { deadLetters } from '../inbox/consumer-schema.js';
import { outboxMessages } from '../outbox/outbox-schema.js';

export type DeadLetter = typeof deadLetters.$inferSelect;
export type DeadOutboxMessage = typeof outboxMessages.$inferSelect;

export interface PageRequest {
  limit: number;
  cursor?: string;
}

export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

/** What is parked in both directions: messages this service could not consume, and ones it could not deliver. */
export interface DeadLetterStore {
  /** Newest first; replayed ones too unless `includeReplayed` is false. */
  list(page: PageRequest & { includeReplayed?: boolean }): Promise<PageOf<DeadLetter>>;
  find(id: string): Promise<DeadLetter | undefined>;
  /** Keeps the first replay time when replayed again. */
  markReplayed(id: string): Promise<void>;
  /** DEAD outbox rows, newest first. */
  listDeadOutbox(page: PageRequest): Promise<PageOf<DeadOutboxMessage>>;
  /** Makes a DEAD outbox row PENDING with a fresh attempt budget; false when there is no DEAD row with that id. */
  retryDeadOutbox(id: string): Promise<boolean>;
}

export interface ParkedMessage {
  consumer: string;
  messageId: string | null;
  messageType: string | null;
  message: unknown;
  error: string;
  attempts: number;
  /** A replay re-parks into the dead letter it came from instead of adding a copy. */
  deadLetterId?: string;
}

/** Kept as messaging's export for its callers (e.g. the dlq tool); the one definition is platform's. */
export { isUuid };

/** Keyset pagination, newest first: the rows strictly before the cursor's (time, id); all rows without a cursor. */
const beforeCursor = (time: AnyColumn, id: AnyColumn, cursor: string | undefined): SQL | undefined => {
  const after = cursor ? decodeCursor(cursor) : undefined;
  return after ? sql`(${time}, ${id}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : undefined;
};

const withCreatedAt = <Row extends { id: string }>(row: Row, createdAt: Date) => ({ ...row, createdAt });

/**
 * Parks a message. A message that is already parked and not yet replayed (the sender resent it, or it failed
 * again) updates its dead letter, so one broken message is one dead letter however often it arrives.
 */
export const parkMessage = async (db: SqlExecutor, parked: ParkedMessage): Promise<string> => {
  const error = sanitizeText(parked.error);
  const target = parked.deadLetterId
    ? eq(deadLetters.id, parked.deadLetterId)
    : parked.messageId
      ? and(eq(deadLetters.consumer, parked.consumer), eq(deadLetters.messageId, parked.messageId), isNull(deadLetters.replayedAt))
      : undefined;
  if (target) {
    const [updated] = await db
      .update(deadLetters)
      .set({ error, attempts: parked.attempts, deadAt: sql`now()` })
      .where(target)
      .returning({ id: deadLetters.id });
    if (updated) return updated.id;
  }
  const [inserted] = await db
    .insert(deadLetters)
    .values({
      consumer: parked.consumer,
      messageId: parked.messageId,
      messageType: parked.messageType === null ? null : sanitizeText(parked.messageType).slice(0, 200),
      message: parked.message as object,
      error,
      attempts: parked.attempts,
    })
    .returning({ id: deadLetters.id });
  return (inserted as { id: string }).id;
};

export const createDeadLetterStore = (db: SqlExecutor, consumer: string): DeadLetterStore => ({
  async list({ limit, cursor, includeReplayed = true }) {
    const rows = await db
      .select()
      .from(deadLetters)
      .where(
        and(
          eq(deadLetters.consumer, consumer),
          includeReplayed ? undefined : isNull(deadLetters.replayedAt),
          beforeCursor(deadLetters.deadAt, deadLetters.id, cursor),
        ),
      )
      .orderBy(desc(deadLetters.deadAt), desc(deadLetters.id))
      .limit(limit + 1);
    return toPage(
      rows.map((row) => withCreatedAt(row, row.deadAt)),
      limit,
      ({ createdAt: _createdAt, ...row }) => row,
    );
  },

  async find(id) {
    if (!isUuid(id)) return undefined;
    const [row] = await db
      .select()
      .from(deadLetters)
      .where(and(eq(deadLetters.consumer, consumer), eq(deadLetters.id, id)));
    return row;
  },

  async markReplayed(id) {
    await db
      .update(deadLetters)
      .set({ replayedAt: sql`coalesce(${deadLetters.replayedAt}, now())` })
      .where(and(eq(deadLetters.consumer, consumer), eq(deadLetters.id, id)));
  },

  async listDeadOutbox({ limit, cursor }) {
    const rows = await db
      .select()
      .from(outboxMessages)
      .where(and(eq(outboxMessages.status, 'DEAD'), beforeCursor(outboxMessages.createdAt, outboxMessages.id, cursor)))
      .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id))
      .limit(limit + 1);
    return toPage(rows, limit, (row) => row);
  },

  async retryDeadOutbox(id) {
    if (!isUuid(id)) return false;
    const updated = await db
      .update(outboxMessages)
      .set({ status: 'PENDING', attempts: 0, nextAttemptAt: sql`now()` })
      .where(and(eq(outboxMessages.id, id), eq(outboxMessages.status, 'DEAD')))
      .returning({ id: outboxMessages.id });
    return updated.length === 1;
  },
});
