import type { Envelope } from '@ordering/contracts';
import { describeError, inProducerSpan, type Logger, type SqlExecutor } from '@ordering/platform';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { OutboxMetrics } from './outbox-metrics.js';
import { outboxMessages } from './outbox-schema.js';
import { createRateLimitedLog } from '../runtime/rate-limited-log.js';
import { retryDelayMs, type BackoffSettings } from '../runtime/retry-delay.js';
import { DeliveryFailedError, TransportUnavailableError, type Transport } from '../transports/transport.js';

/** A PENDING outbox row on its way out: claimed by the relay, or just committed by its sender. */
export interface OutboxRow {
  id: string;
  messageId: string;
  messageType: string;
  destination: string;
  envelope: Envelope;
  attempts: number;
  /** When the row was written: its publish lag is measured from here. */
  createdAt: Date;
}

export interface OutboxPublisherSettings {
  /** Publishes in flight at once. */
  concurrency: number;
  /**
   * Publishes in flight to one destination. Rows beyond wait, and when the transport can send batches, the rows
   * waiting for one destination leave together in the next publish: batches form under load only.
   */
  perDestination: number;
  /** The most rows in one batch. */
  maxBatch: number;
  /** Rows waiting for a free slot; rows offered beyond it stay leased and the relay sends them later. */
  maxQueued: number;
  maxAttempts: number;
  backoff: BackoffSettings;
}

export interface OutboxPublisherDeps {
  db: SqlExecutor;
  transport: Transport;
  log: Logger;
  metrics: OutboxMetrics;
  service: string;
  settings: OutboxPublisherSettings;
  /** A publish found the whole transport away (broker down): its row was handed back to the relay. */
  onTransportUnavailable: (error: unknown) => void;
  /** A slot or queue place became free. */
  onRoom: () => void;
}

export interface OutboxPublisher {
  /** Queues rows to publish; returns how many it took (the rest stay leased for the relay). */
  offer(rows: readonly OutboxRow[]): number;
  /** Rows it can take right now without queueing past its bound. */
  room(): number;
  /** Resolves once every queued and in-flight publish, and the marks they wrote, are done. */
  idle(): Promise<void>;
}

/**
 * The receiver could not verify this service's signature (401): nothing was consumed, and the message is not at fault;
 * a deployment is, until the receiver's MESSAGE_PUBLIC_KEYS holds this service's public key.
 */
const isSignatureRefusal = (error: unknown): boolean => error instanceof DeliveryFailedError && error.statusCode === 401;

/**
 * Publishes outbox rows outside any transaction, at most `concurrency` at once, and records each outcome: SENT
 * (batched: one UPDATE for every row that succeeded since the last one), retried later with backoff, DEAD after
 * too many failures, or handed back at once when the transport as a whole is away. A crash before a row is
 * marked leaves it PENDING, so it is published again after its lease: at least once, and receivers drop
 * duplicates through their inbox.
 */
export const createOutboxPublisher = (deps: OutboxPublisherDeps): OutboxPublisher => {
  const { db, transport, log, settings } = deps;
  const spanSettings = { service: deps.service, system: transport.name ?? 'http' };
  const publishFailures = createRateLimitedLog(log, 5_000);
  const signatureRefusals = createRateLimitedLog(log);
  const markFailures = createRateLimitedLog(log);
  let queue: OutboxRow[] = [];
  let inFlight = 0;
  const inFlightTo = new Map<string, number>();
  const batchLimit = transport.publishBatch ? Math.max(1, settings.maxBatch) : 1;
  let sentIds: string[] = [];
  let marking: Promise<void> | undefined;
  const pendingWrites = new Set<Promise<void>>();
  let idleWaiters: Array<() => void> = [];

  const isIdle = (): boolean => queue.length === 0 && inFlight === 0 && sentIds.length === 0 && marking === undefined && pendingWrites.size === 0;
  const settleIdle = (): void => {
    if (!isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  /** Writes happen outside the publish that caused them; tracked so idle() (shutdown) waits for them. */
  const track = (write: Promise<void>): void => {
    const tracked = write
      .catch((error: unknown) => markFailures.warn({ err: error }, 'an outbox row could not be marked; it is published again after its lease'))
      .finally(() => {
        pendingWrites.delete(tracked);
        settleIdle();
      });
    pendingWrites.add(tracked);
  };

  const markSentBatch = async (): Promise<void> => {
    while (sentIds.length > 0) {
      const ids = sentIds;
      sentIds = [];
      try {
        await db
          .update(outboxMessages)
          .set({ status: 'SENT', sentAt: sql`clock_timestamp()` })
          .where(and(inArray(outboxMessages.id, ids), eq(outboxMessages.status, 'PENDING')));
        markFailures.reset();
      } catch (error) {
        markFailures.warn({ err: error, rows: ids.length }, 'sent outbox rows could not be marked SENT; they are published again after their lease');
      }
    }
  };

  /** One UPDATE in flight at a time; everything that succeeds meanwhile goes into the next one. */
  const markSent = (row: OutboxRow): void => {
    sentIds.push(row.id);
    marking ??= markSentBatch().finally(() => {
      marking = undefined;
      settleIdle();
    });
  };

  const markFailed = async (row: OutboxRow, error: unknown): Promise<void> => {
    // A refused signature never uses up the last attempt: once the operator configures our key, every waiting row
    // goes out by itself instead of having to be retried as DEAD.
    const attempts = isSignatureRefusal(error) ? Math.min(row.attempts + 1, settings.maxAttempts - 1) : row.attempts + 1;
    const lastError = describeError(error);
    if (attempts >= settings.maxAttempts) {
      await db.update(outboxMessages).set({ status: 'DEAD', attempts, lastError }).where(eq(outboxMessages.id, row.id));
      log.error(
        { outboxId: row.id, messageId: row.messageId, type: row.messageType, destination: row.destination, attempts, lastError },
        'outbox message could not be delivered and is now DEAD (retry: POST /internal/outbox/:id/retry)',
      );
      return;
    }
    const delayMs = retryDelayMs(attempts, settings.backoff);
    await db
      .update(outboxMessages)
      .set({ attempts, lastError, nextAttemptAt: sql`clock_timestamp() + make_interval(secs => ${delayMs / 1000})` })
      .where(and(eq(outboxMessages.id, row.id), eq(outboxMessages.status, 'PENDING')));
    const fields = { destination: row.destination, type: row.messageType, attempts, error: lastError };
    if (isSignatureRefusal(error)) {
      signatureRefusals.error(fields, 'a peer refused the signature of our messages: they stay pending, retried with backoff, until its MESSAGE_PUBLIC_KEYS holds our public key');
    } else {
      publishFailures.warn(fields, 'outbox messages could not be published, will retry with backoff');
    }
  };

  /** The outage is not the row's: same attempts, due again now, for the relay to send once the transport is back. */
  const handBack = async (row: OutboxRow): Promise<void> => {
    await db.update(outboxMessages).set({ nextAttemptAt: sql`clock_timestamp()` }).where(and(eq(outboxMessages.id, row.id), eq(outboxMessages.status, 'PENDING')));
  };

  /** What became of one row's publish: `error` undefined means delivered. */
  const settle = (row: OutboxRow, error: unknown): void => {
    if (error === undefined) {
      deps.metrics.published.inc({ type: row.messageType });
      // The database's clock wrote created_at and this one reads it: a little skew must not make a negative lag.
      deps.metrics.publishLag.observe({ destination: row.destination }, Math.max(0, Date.now() - row.createdAt.getTime()) / 1000);
      markSent(row);
    } else if (error instanceof TransportUnavailableError) {
      track(handBack(row));
      deps.onTransportUnavailable(error);
    } else {
      track(markFailed(row, error));
    }
  };

  /** Which delivery attempt this span is: the row's recorded attempts plus this one. */
  const setAttempt = (span: { setAttribute(key: string, value: number): void }, row: OutboxRow): void => {
    span.setAttribute('ordering.outbox.attempt', row.attempts + 1);
  };

  const publishOne = async (row: OutboxRow): Promise<void> => {
    try {
      await inProducerSpan(row.envelope, spanSettings, (span) => {
        setAttempt(span, row);
        return transport.publish(row.envelope);
      });
      settle(row, undefined);
    } catch (error) {
      settle(row, error);
    }
  };

  /** One exchange for all of `rows` (one destination); each row still gets its own PRODUCER span in its own trace. */
  const publishTogether = async (rows: OutboxRow[], publishBatch: NonNullable<Transport['publishBatch']>): Promise<void> => {
    let sendBatch: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (sendBatch = resolve));
    const results = started.then(() => publishBatch(rows.map((row) => row.envelope)));
    await Promise.all(
      rows.map((row, index) =>
        inProducerSpan(row.envelope, spanSettings, async (span) => {
          setAttempt(span, row);
          span.setAttribute('ordering.outbox.batch_size', rows.length);
          // The exchange starts inside the first row's span, so the receiver's HTTP span is a child of a real send.
          if (index === 0) sendBatch();
          const error = (await results)[index];
          if (error !== undefined) throw error;
        }).then(
          () => settle(row, undefined),
          (error: unknown) => settle(row, error),
        ),
      ),
    );
  };

  /** Takes the waiting rows for `destination` out of the queue, oldest first, at most one batch of them. */
  const takeFor = (destination: string): OutboxRow[] => {
    const taken: OutboxRow[] = [];
    const rest: OutboxRow[] = [];
    for (const row of queue) (row.destination === destination && taken.length < batchLimit ? taken : rest).push(row);
    queue = rest;
    return taken;
  };

  const hasSlotFor = (row: OutboxRow): boolean => (inFlightTo.get(row.destination) ?? 0) < settings.perDestination;

  const pump = (): void => {
    while (inFlight < settings.concurrency) {
      const next = queue.find(hasSlotFor);
      if (!next) return;
      const rows = takeFor(next.destination);
      inFlight += 1;
      inFlightTo.set(next.destination, (inFlightTo.get(next.destination) ?? 0) + 1);
      const publishing = rows.length > 1 && transport.publishBatch ? publishTogether(rows, transport.publishBatch.bind(transport)) : publishOne(rows[0] as OutboxRow);
      void publishing.finally(() => {
        inFlight -= 1;
        inFlightTo.set(next.destination, (inFlightTo.get(next.destination) ?? 1) - 1);
        pump();
        deps.onRoom();
        settleIdle();
      });
    }
  };

  const room = (): number => Math.max(0, settings.concurrency + settings.maxQueued - inFlight - queue.length);

  return {
    offer(rows) {
      const taken = rows.slice(0, room());
      queue.push(...taken);
      pump();
      return taken.length;
    },
    room,
    idle() {
      if (isIdle()) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
};
