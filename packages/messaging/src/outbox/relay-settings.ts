import { MAX_BATCH_SIZE } from '../transports/http/message-batch.js';
import { DEFAULT_BACKOFF, type BackoffSettings } from '../runtime/retry-delay.js';

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

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export type RelaySettings = Required<OutboxRelayOptions>;

/** The options with their defaults filled in. */
export const resolveRelaySettings = (options: OutboxRelayOptions = {}): RelaySettings => ({
  batchSize: options.batchSize ?? 100,
  concurrency: options.concurrency ?? 32,
  maxQueued: options.maxQueued ?? 1_000,
  perDestination: options.perDestination ?? 8,
  maxBatch: Math.min(options.maxBatch ?? 32, MAX_BATCH_SIZE),
  leaseMs: options.leaseMs ?? 12_000,
  pollIntervalMs: options.pollIntervalMs ?? 500,
  maxAttempts: options.maxAttempts ?? 12,
  backoff: options.backoff ?? DEFAULT_BACKOFF,
  retentionMs: options.retentionMs ?? HOUR_MS,
  inboxRetentionMs: options.inboxRetentionMs ?? 7 * DAY_MS,
  cleanupIntervalMs: options.cleanupIntervalMs ?? 30_000,
  cleanupBatchSize: options.cleanupBatchSize ?? 1_000,
  flushTimeoutMs: options.flushTimeoutMs ?? 3_000,
});
