import type { Envelope } from '@ordering/contracts';
import type { SqlExecutor } from '@ordering/platform';
import { sql } from 'drizzle-orm';
import type { OutboxRow } from './outbox-publisher.js';
import type { OutgoingMessage } from './outgoing-messages.js';

type ClaimedRow = {
  id: string;
  message_id: string;
  message_type: string;
  destination: string;
  envelope: Envelope;
  attempts: number;
  /** Text or a Date, depending on the session's type parsers. */
  created_at: string | Date;
};

const toOutboxRow = (row: ClaimedRow): OutboxRow => ({
  id: row.id,
  messageId: row.message_id,
  messageType: row.message_type,
  destination: row.destination,
  envelope: row.envelope,
  attempts: row.attempts,
  createdAt: new Date(row.created_at),
});

/** A row its sender has just committed, as the publisher takes it: no query needed. */
export const committedRow = (message: OutgoingMessage): OutboxRow => ({
  id: message.rowId,
  messageId: message.envelope.id,
  messageType: message.envelope.type,
  destination: message.envelope.destination,
  envelope: message.envelope,
  attempts: 0,
  createdAt: message.enqueuedAt,
});

/** One statement, no transaction held open: the lease keeps other relays away while the rows are published. */
export const claimDueRows = async (db: SqlExecutor, leaseMs: number, limit: number): Promise<OutboxRow[]> => {
  const result = await db.execute<ClaimedRow>(sql`
      update outbox_messages set next_attempt_at = clock_timestamp() + make_interval(secs => ${leaseMs / 1000})
      where id in (
        select id from outbox_messages
        where status = 'PENDING' and next_attempt_at <= clock_timestamp()
        order by created_at
        limit ${limit}
        for update skip locked
      )
      returning id, message_id, message_type, destination, envelope, attempts, created_at`);
  return result.rows.map(toOutboxRow);
};
