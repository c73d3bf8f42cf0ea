import { setTimeout as sleep } from 'node:timers/promises';
import type { Envelope } from '@ordering/contracts';
import { describeError, isConnectivityFailure, type Logger, type ServiceMetrics, withoutTracing, type SqlExecutor } from '@ordering/platform';
import { sql } from 'drizzle-orm';
import { cleanupExpiredMessages } from './expired-message-cleanup.js';
import { MAX_BATCH_SIZE } from '../transports/http/message-batch.js';
import { registerOutboxMetrics, type OutboxMetrics } from './outbox-metrics.js';
import { createOutboxPublisher, type OutboxRow } from './outbox-publisher.js';
import type { OutgoingMessage } from './outgoing-messages.js';
import { createRateLimitedLog } from '../runtime/rate-limited-log.js';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffSettings } from '../runtime/retry-delay.js';
import type { Transport } from '../transports/transport.js';
import { createWakeableSleep } from '../runtime/wakeable-sleep.js';

/** Any Drizzle node-postgres database, whatever its schema; the relay only touches the messaging tables. */
export interface RelayDatabase extends SqlExecutor {
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

export interface OutboxRelayOptions {
  /** Most rows claimed by one statement. Default 100. */
  batchSize?: number;
  /** Publishes in flight at once (sends right after commit and claimed rows together). Default 32. */
  concurrency?: number;
  /** Rows waiting for a publish slot; a row offered beyond it stays leased and goes out after its lease. Default 1000. */
  maxQueued?: number;
  /** Publishes in flight to one destination; rows beyond wait and leave together as a batch when the transport can. Default 8. */
  perDestination?: number;
  /** The most rows in one batch (the HTTP transport sends at most 64). Default 32. */
  maxBatch?: number;
  /**
   * How long a row is left to the one sending it: the sender right after its commit, or the relay that claimed it.
   * Only when that sender dies (or hangs past this) does the relay send the row again. Longer than a publish can
   * take (the HTTP transport tries twice, 5 s each). Default 12 s.
   */
  leaseMs?: number;
  /**
   * Poll for rows nobody sent (a crash, a peer that was down, a savepoint's rows). The normal path never waits for
   * it, so it can be slow: an idle system then costs two statements a second per service. Default 500 ms.
   */
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
  /** Starts the sweep loop and the periodic cleanup. Calling it again does nothing. */
  start(): void;
  /** True between start() and stop(): only then does a transaction send its own messages after commit. */
  readonly sending: boolean;
  /** The lease a transaction that sends its own messages gives their rows. */
  readonly leaseMs: number;
  /** Publishes rows a transaction just committed (from memory, no query); what cannot be taken waits for its lease. */
  sendCommitted(messages: readonly OutgoingMessage[]): void;
  /** Rows were made due outside `messaging.transaction` (an operator's retry, a savepoint): sweep now. */
  wake(): void;
  /** Stops claiming, lets in-flight publishes finish, flushes what is still pending (bounded), then resolves. */
  stop(): Promise<void>;
}

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

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Backoff of the loop while the database or the whole transport is away: not any one row's fault. */
const DATABASE_BACKOFF: BackoffSettings = { baseMs: 200, maxMs: 5_000 };

/** Resolves with the promise's value, or with undefined once `ms` have passed (the promise keeps running). */
const within = async <T>(promise: Promise<T>, ms: number): Promise<T | undefined> => {
  const controller = new AbortController();
  try {
    return await Promise.race([promise, sleep(ms, undefined, { signal: controller.signal }).catch(() => undefined)]);
  } finally {
    controller.abort();
  }
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

/**
 * Publishes the transactional outbox. A transaction opened by `messaging.transaction` sends its own messages
 * right after commit ({@link OutboxRelay.sendCommitted}): their rows carry a lease, and the relay leaves them
 * alone while it runs. The relay's loop is the safety net: it claims due rows (nobody sent them: the sender
 * crashed, a peer was down, they were written outside such a transaction) in one short statement that extends
 * their lease (FOR UPDATE SKIP LOCKED, so replicas share the table), and publishes them outside any transaction.
 * Delivery is at least once; receivers drop duplicates through their inbox.
 */
export const createOutboxRelay = (deps: OutboxRelayDeps): OutboxRelay => {
  const { db, transport, logger } = deps;
  const log = logger.child({ component: 'outbox-relay' });
  const settings = {
    batchSize: deps.options?.batchSize ?? 100,
    concurrency: deps.options?.concurrency ?? 32,
    maxQueued: deps.options?.maxQueued ?? 1_000,
    perDestination: deps.options?.perDestination ?? 8,
    maxBatch: Math.min(deps.options?.maxBatch ?? 32, MAX_BATCH_SIZE),
    leaseMs: deps.options?.leaseMs ?? 12_000,
    pollIntervalMs: deps.options?.pollIntervalMs ?? 500,
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
  const transportOutage = createRateLimitedLog(log);
  const cleanupFailures = createRateLimitedLog(log, 60_000);
  const pause = createWakeableSleep();

  let running = false;
  let stopping = false;
  let databaseFailing = false;
  /** Set by a publish that found the transport away; cleared when it says it is back. */
  let transportAway = false;
  let loop: Promise<void> | undefined;
  let stopListening: (() => void) | undefined;
  let cleanupTimer: NodeJS.Timeout | undefined;
  let cleanup: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;

  const publisher = createOutboxPublisher({
    db,
    transport,
    log,
    metrics,
    service: deps.service,
    settings: {
      concurrency: settings.concurrency,
      perDestination: settings.perDestination,
      maxBatch: settings.maxBatch,
      maxQueued: settings.maxQueued,
      maxAttempts: settings.maxAttempts,
      backoff: settings.backoff,
    },
    onTransportUnavailable: (error) => {
      if (!transportAway) transportOutage.warn({ error: describeError(error) }, 'transport unavailable, outbox messages stay pending until it is back');
      transportAway = true;
    },
    onRoom: () => pause.wake(),
  });

  /** One statement, no transaction held open: the lease keeps other relays away while the rows are published. */
  const claimDue = async (limit: number): Promise<OutboxRow[]> => {
    const result = await db.execute<ClaimedRow>(sql`
      update outbox_messages set next_attempt_at = clock_timestamp() + make_interval(secs => ${settings.leaseMs / 1000})
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

  /** Claims what the publisher has room for; returns whether the claim came back full (there may be more). */
  const sweepOnce = async (): Promise<boolean> => {
    const limit = Math.min(settings.batchSize, publisher.room());
    if (limit === 0) return false;
    const rows = await claimDue(limit);
    publisher.offer(rows);
    if (rows.length > 0) log.debug({ claimed: rows.length }, 'outbox rows claimed');
    return rows.length === limit;
  };

  const runLoop = async (): Promise<void> => {
    let databaseFailures = 0;
    let outages = 0;
    while (!stopping) {
      if (transportAway) {
        outages += 1;
        // Wakes cannot help, but the transport says when it is back (that interrupts this pause).
        await pause.sleep(retryDelayMs(outages, DATABASE_BACKOFF), { wakeable: false });
        transportAway = false;
        continue;
      }
      try {
        const more = await sweepOnce();
        if (databaseFailures > 0) log.info({ failures: databaseFailures }, 'outbox relay reached the database again');
        databaseFailures = 0;
        databaseFailing = false;
        loopFailures.reset();
        if (!transportAway) {
          outages = 0;
          transportOutage.reset();
        }
        if (!more) await pause.sleep(settings.pollIntervalMs);
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

  /** Shutdown: publish what is due right now, claim after claim, until empty or out of time. */
  const flush = async (): Promise<void> => {
    const deadline = Date.now() + settings.flushTimeoutMs;
    const drain = async (): Promise<void> => {
      while (Date.now() < deadline) {
        const more = await sweepOnce();
        await publisher.idle();
        if (transportAway) {
          log.warn('outbox relay stopped without a final flush: the transport is unavailable; pending rows go out after restart');
          return;
        }
        if (!more) return;
      }
    };
    await within(
      drain().catch((error: unknown) => log.warn({ err: error }, 'final outbox flush failed; pending rows are published after restart')),
      settings.flushTimeoutMs,
    );
  };

  return {
    get sending() {
      return running && !stopping;
    },
    leaseMs: settings.leaseMs,
    start() {
      if (running || stopping) return;
      running = true;
      // Polling and cleanup SQL would start a new trace every poll; each publish gets its own span in its message's trace.
      withoutTracing(() => {
        loop = runLoop();
        scheduleCleanup();
      });
      stopListening = transport.onAvailable?.(() => {
        transportAway = false;
        pause.interrupt();
      });
      log.info({ batchSize: settings.batchSize, concurrency: settings.concurrency, leaseMs: settings.leaseMs, pollIntervalMs: settings.pollIntervalMs }, 'outbox relay started');
    },
    sendCommitted(messages) {
      if (messages.length === 0 || stopping) return;
      publisher.offer(messages.map((message) => ({ id: message.rowId, messageId: message.envelope.id, messageType: message.envelope.type, destination: message.envelope.destination, envelope: message.envelope, attempts: 0, createdAt: message.enqueuedAt })));
    },
    wake() {
      pause.wake();
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        stopListening?.();
        clearTimeout(cleanupTimer);
        pause.interrupt();
        // Both phases are bounded, so a relay stuck on a hung peer or database cannot hold up the shutdown deadline.
        await within(Promise.all([loop, cleanup, publisher.idle()]), settings.flushTimeoutMs);
        if (databaseFailing) log.warn('outbox relay stopped without a final flush: the database is unreachable; pending rows go out after restart');
        else if (running) await withoutTracing(flush);
        log.info('outbox relay stopped');
      })();
      return stopped;
    },
  };
};
