import { setTimeout as sleep } from 'node:timers/promises';
import type { Envelope } from '@ordering/contracts';
import { describeError, inProducerSpan, isConnectivityFailure, type Logger, type ServiceMetrics, withoutTracing } from '@ordering/platform';
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { cleanupExpiredMessages } from './expired-message-cleanup.js';
import { registerOutboxMetrics, type OutboxMetrics } from './outbox-metrics.js';
import { outboxMessages } from './outbox-schema.js';
import { createRateLimitedLog, type RateLimitedLog } from './rate-limited-log.js';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffSettings } from './retry-delay.js';
import type { SqlExecutor } from './sql-executor.js';
import { DeliveryFailedError, TransportUnavailableError, type Transport } from './transport.js';
import { createWakeableSleepGroup, type WakeableSleep } from './wakeable-sleep.js';

/** Any Drizzle node-postgres database, whatever its schema; the relay only touches the messaging tables. */
export interface RelayDatabase extends SqlExecutor {
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

export interface OutboxRelayOptions {
  /** Rows claimed per transaction. Default 100. */
  batchSize?: number;
  /** Publishes in flight at once within a batch. Default 16. */
  concurrency?: number;
  /**
   * Claim-publish-mark passes running at once. While one waits for its batch's publishes, another claims the rows
   * committed meanwhile, so a new message never waits for a batch it was not part of. Each pass in flight holds
   * one database connection. Default 3.
   */
  passes?: number;
  /** Fallback poll when nobody calls wake(). Default 250 ms. */
  pollIntervalMs?: number;
  /** Failed publishes before a row becomes DEAD. Default 12. */
  maxAttempts?: number;
  /** Retry delays of a failing row, and of the loop while the database is unreachable. Default 200 ms .. 30 s. */
  backoff?: BackoffSettings;
  /** SENT rows are kept this long, for inspection. Default 1 h. */
  retentionMs?: number;
  /** Inbox records are kept this long (the window in which a duplicate is recognised). Default 7 days. */
  inboxRetentionMs?: number;
  /** How often expired rows are deleted. Default 30 s. */
  cleanupIntervalMs?: number;
  /** Rows per cleanup DELETE. Default 1000. */
  cleanupBatchSize?: number;
  /** Upper bound of each shutdown phase: waiting for in-flight publishes, then the final flush. Default 3 s. */
  flushTimeoutMs?: number;
}

export interface OutboxRelayDeps {
  db: RelayDatabase;
  transport: Transport;
  logger: Logger;
  metrics: ServiceMetrics;
  service: string;
  options?: OutboxRelayOptions;
}

export interface OutboxRelay {
  /** Starts the publish loop and the periodic cleanup. Calling it again does nothing. */
  start(): void;
  /** Call after committing outbox rows: the loop publishes now instead of at its next poll. */
  wake(): void;
  /** Stops claiming, lets in-flight publishes finish, flushes what is still pending (bounded), then resolves. */
  stop(): Promise<void>;
}

type OutboxRow = Pick<typeof outboxMessages.$inferSelect, 'id' | 'messageId' | 'messageType' | 'destination' | 'envelope' | 'attempts'>;

interface PublishOutcome {
  row: OutboxRow;
  error?: unknown;
}

interface BatchResult {
  claimed: number;
  /** The transport as a whole could not publish (broker away): the rows were left as they were. */
  transportUnavailable: boolean;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Backoff of the loop while the database or the whole transport is away: not any one row's fault. */
const DATABASE_BACKOFF: BackoffSettings = { baseMs: 200, maxMs: 5_000 };

/**
 * The receiver could not verify this service's signature (401): nothing was consumed, and the message is not at fault;
 * a deployment is, until the receiver's MESSAGE_PUBLIC_KEYS holds this service's public key.
 */
const isTokenRefusal = (outcome: PublishOutcome): boolean => outcome.error instanceof DeliveryFailedError && outcome.error.statusCode === 401;

const destinationsOf = (outcomes: PublishOutcome[]): string[] => [...new Set(outcomes.map((o) => o.row.destination))];

/** Runs `work` over `items` with at most `limit` in flight. */
const mapWithConcurrency = async <T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

/** Resolves with the promise's value, or with undefined once `ms` have passed (the promise keeps running). */
const within = async <T>(promise: Promise<T>, ms: number): Promise<T | undefined> => {
  const controller = new AbortController();
  try {
    return await Promise.race([promise, sleep(ms, undefined, { signal: controller.signal }).catch(() => undefined)]);
  } finally {
    controller.abort();
  }
};

/**
 * Publishes the transactional outbox. Each pass claims due PENDING rows with FOR UPDATE SKIP LOCKED (replicas
 * share the table without publishing a row twice at the same time), publishes them, and marks them in the same
 * transaction: SENT, or retried later with backoff, or DEAD after too many failures. A crash between publish
 * and commit leaves the rows PENDING, so they are published again: delivery is at least once, and receivers
 * drop duplicates through their inbox.
 */
export const createOutboxRelay = (deps: OutboxRelayDeps): OutboxRelay => {
  const { db, transport, logger } = deps;
  const log = logger.child({ component: 'outbox-relay' });
  const settings = {
    batchSize: deps.options?.batchSize ?? 100,
    concurrency: deps.options?.concurrency ?? 16,
    passes: deps.options?.passes ?? 3,
    pollIntervalMs: deps.options?.pollIntervalMs ?? 250,
    maxAttempts: deps.options?.maxAttempts ?? 12,
    backoff: deps.options?.backoff ?? DEFAULT_BACKOFF,
    retentionMs: deps.options?.retentionMs ?? HOUR_MS,
    inboxRetentionMs: deps.options?.inboxRetentionMs ?? 7 * DAY_MS,
    cleanupIntervalMs: deps.options?.cleanupIntervalMs ?? 30_000,
    cleanupBatchSize: deps.options?.cleanupBatchSize ?? 1_000,
    flushTimeoutMs: deps.options?.flushTimeoutMs ?? 3_000,
  };
  const metrics: OutboxMetrics = registerOutboxMetrics(db, deps.metrics, log);
  const loopFailures = createRateLimitedLog(log);
  const publishFailures = createRateLimitedLog(log, 5_000);
  const transportOutage = createRateLimitedLog(log);
  const tokenRefusals = createRateLimitedLog(log);
  const cleanupFailures = createRateLimitedLog(log, 60_000);
  const pauses = createWakeableSleepGroup(settings.passes);

  let running = false;
  let stopping = false;
  let databaseFailing = false;
  let loops: Promise<void> | undefined;
  let stopListening: (() => void) | undefined;
  /** Counts the transport's "I am back" signals, so a pass can tell whether one arrived during its batch. */
  let transportReturns = 0;
  let cleanupTimer: NodeJS.Timeout | undefined;
  let cleanup: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;

  const spanSettings = { service: deps.service, system: transport.name ?? 'http' };

  /** One delivery attempt, traced as a PRODUCER span in the trace of whoever created the message. */
  const publish = async (row: OutboxRow): Promise<PublishOutcome> => {
    const envelope = row.envelope as Envelope;
    try {
      await inProducerSpan(envelope, spanSettings, (span) => {
        span.setAttribute('ordering.outbox.attempt', row.attempts + 1);
        return transport.publish(envelope);
      });
      return { row };
    } catch (error) {
      return { row, error };
    }
  };

  const markFailed = async (tx: SqlExecutor, failure: PublishOutcome): Promise<void> => {
    // Retried with backoff like an unreachable peer, but a refused token never uses up the last attempt: once the
    // operator makes the tokens match, every waiting row goes out by itself instead of having to be retried as DEAD.
    const attempts = isTokenRefusal(failure) ? Math.min(failure.row.attempts + 1, settings.maxAttempts - 1) : failure.row.attempts + 1;
    const lastError = describeError(failure.error);
    if (attempts >= settings.maxAttempts) {
      await tx.update(outboxMessages).set({ status: 'DEAD', attempts, lastError }).where(eq(outboxMessages.id, failure.row.id));
      log.error(
        { outboxId: failure.row.id, messageId: failure.row.messageId, type: failure.row.messageType, destination: failure.row.destination, attempts, lastError },
        'outbox message could not be delivered and is now DEAD (retry: POST /internal/outbox/:id/retry)',
      );
      return;
    }
    // clock_timestamp(), not now(): the transaction started before the publishes, which may have taken a while.
    const delayMs = retryDelayMs(attempts, settings.backoff);
    await tx
      .update(outboxMessages)
      .set({ attempts, lastError, nextAttemptAt: sql`clock_timestamp() + make_interval(secs => ${delayMs / 1000})` })
      .where(eq(outboxMessages.id, failure.row.id));
  };

  const reportFailures = (failed: PublishOutcome[], claimed: number): void => {
    const report = (outcomes: PublishOutcome[], limited: RateLimitedLog, level: 'warn' | 'error', message: string): void => {
      const first = outcomes[0];
      if (!first) return limited.reset();
      limited[level]({ failed: outcomes.length, claimed, destinations: destinationsOf(outcomes), error: describeError(first.error) }, message);
    };
    report(
      failed.filter(isTokenRefusal),
      tokenRefusals,
      'error',
      'a peer refused the signature of our messages: they stay pending, retried with backoff, until its MESSAGE_PUBLIC_KEYS holds our public key',
    );
    report(
      failed.filter((o) => !isTokenRefusal(o)),
      publishFailures,
      'warn',
      'outbox messages could not be published, will retry with backoff',
    );
  };

  /** One claim-publish-mark transaction. */
  const relayBatch = (): Promise<BatchResult> =>
    db.transaction(async (tx) => {
      const rows: OutboxRow[] = await tx
        .select({
          id: outboxMessages.id,
          messageId: outboxMessages.messageId,
          messageType: outboxMessages.messageType,
          destination: outboxMessages.destination,
          envelope: outboxMessages.envelope,
          attempts: outboxMessages.attempts,
        })
        .from(outboxMessages)
        .where(and(eq(outboxMessages.status, 'PENDING'), lte(outboxMessages.nextAttemptAt, sql`now()`)))
        .orderBy(asc(outboxMessages.createdAt))
        .limit(settings.batchSize)
        .for('update', { skipLocked: true });
      if (rows.length === 0) return { claimed: 0, transportUnavailable: false };

      const outcomes = await mapWithConcurrency(rows, settings.concurrency, publish);
      const sent = outcomes.filter((o) => o.error === undefined);
      // Unavailable rows are left untouched (PENDING, same attempts, same due time): the outage is not theirs.
      const unavailable = outcomes.filter((o) => o.error instanceof TransportUnavailableError);
      const failed = outcomes.filter((o) => o.error !== undefined && !(o.error instanceof TransportUnavailableError));
      if (sent.length > 0) {
        await tx
          .update(outboxMessages)
          .set({ status: 'SENT', sentAt: sql`clock_timestamp()` })
          .where(inArray(outboxMessages.id, sent.map((o) => o.row.id)));
      }
      for (const failure of failed) await markFailed(tx, failure);

      for (const { row } of sent) metrics.published.inc({ type: row.messageType });
      reportFailures(failed, rows.length);
      const outage = unavailable[0];
      if (outage) {
        transportOutage.warn({ unpublished: unavailable.length, error: describeError(outage.error) }, 'transport unavailable, outbox messages stay pending until it is back');
      } else {
        transportOutage.reset();
      }
      log.debug({ claimed: rows.length, sent: sent.length, failed: failed.length, unavailable: unavailable.length }, 'outbox batch relayed');
      return { claimed: rows.length, transportUnavailable: unavailable.length > 0 };
    });

  /** True while the last pass found the transport away: like the database, probed by the first pass only. */
  let transportFailing = false;

  const runLoop = async (pause: WakeableSleep, index: number): Promise<void> => {
    let databaseFailures = 0;
    let transportOutages = 0;
    while (!stopping) {
      // During an outage only the first pass probes (with backoff); the others wait, so the outage is not probed N times as often.
      if (index > 0 && (databaseFailing || transportFailing)) {
        await pause.sleep(settings.pollIntervalMs, { wakeable: false });
        continue;
      }
      try {
        const returnsBefore = transportReturns;
        const { claimed, transportUnavailable } = await relayBatch();
        if (databaseFailures > 0) log.info({ failures: databaseFailures }, 'outbox relay reached the database again');
        databaseFailures = 0;
        databaseFailing = false;
        loopFailures.reset();
        transportFailing = transportUnavailable;
        if (transportUnavailable) {
          transportOutages += 1;
          // Like a database outage (wakes cannot help), but the transport says when it is back.
          if (transportReturns === returnsBefore) await pause.sleep(retryDelayMs(transportOutages, DATABASE_BACKOFF), { wakeable: false });
          continue;
        }
        transportOutages = 0;
        // A full batch means there is probably more: go again at once. Otherwise wait for a wake or the poll.
        if (claimed < settings.batchSize) await pause.sleep(settings.pollIntervalMs);
      } catch (error) {
        databaseFailures += 1;
        databaseFailing = true;
        const delayMs = retryDelayMs(databaseFailures, DATABASE_BACKOFF);
        loopFailures.warn(
          { err: error, databaseUnreachable: isConnectivityFailure(error), failures: databaseFailures, retryInMs: delayMs },
          'outbox relay pass failed, backing off',
        );
        // A wake cannot help while the database is away: only stop() ends this pause early.
        await pause.sleep(delayMs, { wakeable: false });
      }
    }
  };

  const runCleanup = async (): Promise<void> => {
    try {
      const removed = await cleanupExpiredMessages(db, {
        outboxRetentionMs: settings.retentionMs,
        inboxRetentionMs: settings.inboxRetentionMs,
        batchSize: settings.cleanupBatchSize,
        shouldStop: () => stopping,
      });
      cleanupFailures.reset();
      if (removed.outbox + removed.inbox + removed.attempts > 0) log.debug(removed, 'expired messaging rows deleted');
    } catch (error) {
      cleanupFailures.warn({ err: error }, 'expired messaging rows could not be deleted, will try again');
    }
  };

  const scheduleCleanup = (): void => {
    cleanupTimer = setTimeout(() => {
      cleanup = runCleanup().finally(() => {
        cleanup = undefined;
        if (!stopping) scheduleCleanup();
      });
    }, settings.cleanupIntervalMs);
    cleanupTimer.unref();
  };

  /** Shutdown: publish what is due right now, batch after batch, until empty or out of time. */
  const flush = async (): Promise<void> => {
    const deadline = Date.now() + settings.flushTimeoutMs;
    const drain = async (): Promise<void> => {
      for (;;) {
        if (Date.now() >= deadline) return;
        const { claimed, transportUnavailable } = await relayBatch();
        if (transportUnavailable) {
          log.warn('outbox relay stopped without a final flush: the transport is unavailable; pending rows go out after restart');
          return;
        }
        if (claimed < settings.batchSize) return;
      }
    };
    await within(
      drain().catch((error: unknown) => log.warn({ err: error }, 'final outbox flush failed; pending rows are published after restart')),
      settings.flushTimeoutMs,
    );
  };

  return {
    start() {
      if (running || stopping) return;
      running = true;
      // Polling and cleanup SQL would start a new trace every poll; each publish gets its own span in its message's trace.
      withoutTracing(() => {
        loops = Promise.all(pauses.members.map(runLoop)).then(() => undefined);
        scheduleCleanup();
      });
      stopListening = transport.onAvailable?.(() => {
        transportReturns += 1;
        transportFailing = false;
        pauses.interrupt();
      });
      log.info({ batchSize: settings.batchSize, passes: settings.passes, pollIntervalMs: settings.pollIntervalMs }, 'outbox relay started');
    },
    wake() {
      pauses.wake();
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        stopListening?.();
        clearTimeout(cleanupTimer);
        pauses.interrupt();
        // Both phases are bounded, so a relay stuck on a hung peer or database cannot hold up the shutdown deadline.
        await within(Promise.all([loops, cleanup]), settings.flushTimeoutMs);
        if (databaseFailing) log.warn('outbox relay stopped without a final flush: the database is unreachable; pending rows go out after restart');
        else await withoutTracing(flush);
        log.info('outbox relay stopped');
      })();
      return stopped;
    },
  };
};
