import { randomUUID } from 'node:crypto';
import type { Envelope } from '@ordering/contracts';
import { sql } from 'drizzle-orm';
import type { SqlExecutor } from '@ordering/platform';
import { outgoingCollectorOf } from './outgoing-messages.js';
import { outboxMessages } from './outbox-schema.js';

/**
 * Writes outgoing messages in the caller's transaction, so they exist if and only if the state change commits.
 * In a transaction opened by `messaging.transaction` they are sent right after commit (the row is leased to
 * that send); otherwise the relay publishes them.
 */
export const enqueueMessages = async (tx: SqlExecutor, envelopes: Envelope[]): Promise<void> => {
  if (envelopes.length === 0) return;
  const collector = outgoingCollectorOf(tx);
  const rows = envelopes.map((envelope) => ({
    id: randomUUID(),
    messageId: envelope.id,
    messageType: envelope.type,
    destination: envelope.destination,
    envelope: envelope as unknown as Record<string, unknown>,
    // The insert's own time, not the transaction's start: a hop is measured from here.
    createdAt: sql`clock_timestamp()`,
    ...(collector ? { nextAttemptAt: sql`clock_timestamp() + make_interval(secs => ${collector.leaseMs / 1000})` } : {}),
  }));
  const enqueuedAt = new Date();
  await tx.insert(outboxMessages).values(rows);
  collector?.messages.push(...rows.map((row, index) => ({ rowId: row.id, envelope: envelopes[index] as Envelope, enqueuedAt })));
};
