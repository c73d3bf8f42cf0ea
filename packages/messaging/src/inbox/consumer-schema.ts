import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** A consumer's record of what it already processed; written in the same transaction as the effect. */
export const inboxMessages = pgTable(
  'inbox_messages',
  {
    consumer: text('consumer').notNull(),
    messageId: uuid('message_id').notNull(),
    messageType: text('message_type').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.consumer, table.messageId] }), index('inbox_messages_received_idx').on(table.receivedAt)],
);

/** Failed attempts per message, so a message that keeps failing is parked instead of looping forever. */
export const messageAttempts = pgTable(
  'message_attempts',
  {
    consumer: text('consumer').notNull(),
    messageId: uuid('message_id').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.consumer, table.messageId] })],
);

/**
 * Parked messages: invalid ones, and ones that failed too often. The original message (as received, even if it
 * was not valid JSON), the error and the attempt count are kept so an operator can inspect, repair and replay.
 */
export const deadLetters = pgTable(
  'dead_letters',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    consumer: text('consumer').notNull(),
    messageId: uuid('message_id'),
    messageType: text('message_type'),
    /** The parsed envelope when the body was JSON, otherwise `{ raw: "<text>" }`. */
    message: jsonb('message').notNull(),
    error: text('error').notNull(),
    attempts: integer('attempts').notNull(),
    deadAt: timestamp('dead_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    replayedAt: timestamp('replayed_at', { withTimezone: true, precision: 3 }),
  },
  (table) => [index('dead_letters_consumer_dead_at_idx').on(table.consumer, table.deadAt)],
);
