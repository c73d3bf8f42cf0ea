import { describeError } from '@ordering/platform';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { retryDelayMs } from '../runtime/retry-delay.js';
import { DeliveryFailedError, TransportUnavailableError } from '../transports/transport.js';
import type { OutboxRow } from './outbox-row.js';
import { outboxMessages } from './outbox-schema.js';
import { settleIdle, type PublisherContext } from './publisher-context.js';

/**
 * The receiver could not verify this service's signature (401): nothing was consumed, and the message is not at fault;
 * a deployment is, until the receiver's MESSAGE_PUBLIC_KEYS holds this service's public key.
 */
const isSignatureRefusal = (error: unknown): boolean => error instanceof DeliveryFailedError && error.statusCode === 401;

/** Writes happen outside the publish that caused them; tracked so idle() (shutdown) waits for them. */
const track = (context: PublisherContext, write: Promise<void>): void => {
  const { pendingWrites } = context.state;
  const tracked = write
    .catch((error: unknown) =>
      context.markFailures.warn({ err: error }, 'an outbox row could not be marked; it is published again after its lease'),
    )
    .finally(() => {
      pendingWrites.delete(tracked);
      settleIdle(context);
    });
  pendingWrites.add(tracked);
};

const markSentBatch = async ({ db, state, markFailures }: PublisherContext): Promise<void> => {
  while (state.sentIds.length > 0) {
    const ids = state.sentIds;
    state.sentIds = [];
    try {
      await db
        .update(outboxMessages)
        .set({ status: 'SENT', sentAt: sql`clock_timestamp()` })
        .where(and(inArray(outboxMessages.id, ids), eq(outboxMessages.status, 'PENDING')));
      markFailures.reset();
    } catch (error) {
      markFailures.warn(
        { err: error, rows: ids.length },
        'sent outbox rows could not be marked SENT; they are published again after their lease',
      );
    }
  }
};

/** One UPDATE in flight at a time; everything that succeeds meanwhile goes into the next one. */
const markSent = (context: PublisherContext, row: OutboxRow): void => {
  const { state } = context;
  state.sentIds.push(row.id);
  state.marking ??= markSentBatch(context).finally(() => {
    state.marking = undefined;
    settleIdle(context);
  });
};

const markDead = async ({ db, log }: PublisherContext, row: OutboxRow, attempts: number, lastError: string): Promise<void> => {
  await db.update(outboxMessages).set({ status: 'DEAD', attempts, lastError }).where(eq(outboxMessages.id, row.id));
  log.error(
    { outboxId: row.id, messageId: row.messageId, type: row.messageType, destination: row.destination, attempts, lastError },
    'outbox message could not be delivered and is now DEAD (retry: POST /internal/outbox/:id/retry)',
  );
};

const markFailed = async (context: PublisherContext, row: OutboxRow, error: unknown): Promise<void> => {
  const { db, settings } = context;
  // A refused signature never uses up the last attempt: once the operator configures our key, every waiting row
  // goes out by itself instead of having to be retried as DEAD.
  const attempts = isSignatureRefusal(error) ? Math.min(row.attempts + 1, settings.maxAttempts - 1) : row.attempts + 1;
  const lastError = describeError(error);
  if (attempts >= settings.maxAttempts) return markDead(context, row, attempts, lastError);
  const delayMs = retryDelayMs(attempts, settings.backoff);
  await db
    .update(outboxMessages)
    .set({ attempts, lastError, nextAttemptAt: sql`clock_timestamp() + make_interval(secs => ${delayMs / 1000})` })
    .where(and(eq(outboxMessages.id, row.id), eq(outboxMessages.status, 'PENDING')));
  const fields = { destination: row.destination, type: row.messageType, attempts, error: lastError };
  if (isSignatureRefusal(error)) {
    context.signatureRefusals.error(
      fields,
      'a peer refused the signature of our messages: they stay pending, retried with backoff, until its MESSAGE_PUBLIC_KEYS holds our public key',
    );
  } else {
    context.publishFailures.warn(fields, 'outbox messages could not be published, will retry with backoff');
  }
};

/** The outage is not the row's: same attempts, due again now, for the relay to send once the transport is back. */
const handBack = async ({ db }: PublisherContext, row: OutboxRow): Promise<void> => {
  await db
    .update(outboxMessages)
    .set({ nextAttemptAt: sql`clock_timestamp()` })
    .where(and(eq(outboxMessages.id, row.id), eq(outboxMessages.status, 'PENDING')));
};

/** Records what became of one row's publish: `error` undefined means delivered. */
export const settlePublish = (context: PublisherContext, row: OutboxRow, error: unknown): void => {
  if (error === undefined) {
    context.metrics.published.inc({ type: row.messageType });
    // The database's clock wrote created_at and this one reads it: a little skew must not make a negative lag.
    context.metrics.publishLag.observe({ destination: row.destination }, Math.max(0, Date.now() - row.createdAt.getTime()) / 1000);
    markSent(context, row);
  } else if (error instanceof TransportUnavailableError) {
    track(context, handBack(context, row));
    context.onTransportUnavailable(error);
  } else {
    track(context, markFailed(context, row, error));
  }
};
