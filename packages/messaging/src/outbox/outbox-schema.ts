import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const OUTBOX_STATUSES = ['PENDING', 'SENT', 'DEAD'] as const;

/** Include in a service's Drizzle schema. One row per (message, destination); events fan out at enqueue time. */
export const outboxMessages = pgTable(
  'outbox_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The envelope id: the same event fanned out to two subscribers is two rows with one message id. */
    messageId: uuid('message_id').notNull(),
    messageType: text('message_type').notNull(),
    destination: text('destination').notNull(),
    envelope: jsonb('envelope').notNull(),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('PENDING'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true, precision: 3 }),
  },
  (table) => [
    index('outbox_messages_pending_idx')
      .on(table.nextAttemptAt)
      .where(sql`${table.status} = 'PENDING'`),
    index('outbox_messages_sent_idx')
      .on(table.sentAt)
      .where(sql`${table.status} = 'SENT'`),
  ],
);
