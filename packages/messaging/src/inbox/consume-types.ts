import type { SqlExecutor, Logger, ServiceMetrics } from '@ordering/platform';
import type { ParkedMessage } from '../dead-letters/dead-letter-store.js';
import type { MessageHandler } from './message-handler.js';

/**
 * - processed: the handler's effect committed.
 * - duplicate: the inbox already had this message; nothing was done.
 * - dead-lettered: parked for an operator (invalid, or failed too often); the sender must not resend.
 * - retry: a transient failure; the sender should resend later.
 */
export type ConsumeOutcome = 'processed' | 'duplicate' | 'dead-lettered' | 'retry';

export interface ConsumeResult {
  outcome: ConsumeOutcome;
  messageId?: string;
  type?: string;
  /** Why it was dead-lettered or must be retried. */
  error?: string;
  deadLetterId?: string;
}

export interface ConsumeOptions {
  /** Set by a replay: a failure updates this dead letter instead of parking a new one. */
  deadLetterId?: string;
  /**
   * Set by the first delivery of a replay that will be retried like any message (RabbitMQ): the failures that
   * dead-lettered it are forgotten, so the replay gets the full number of attempts instead of one.
   */
  freshAttempts?: boolean;
  /**
   * Where a dead letter goes; resolves with its id. Default: the service's `dead_letters` table. The RabbitMQ
   * consumer parks in the queue's DLQ instead, with the original body. Throwing means "not parked": the
   * outcome is then 'retry'.
   */
  park?: (parked: ParkedMessage) => Promise<string | undefined>;
  /**
   * The service whose signature the transport verified: the envelope's `source` must be this service. Unset when
   * the message was replayed by an operator or accepted unsigned in development mode: its `source` stands, under the
   * same rules of who may send what.
   */
  sender?: string;
  /** The transport could not authenticate the message (bad or missing signature): it is parked at once, unread. */
  unauthenticated?: string;
  /** The transport delivered this before (RabbitMQ's `redelivered` flag): counted as a redelivery whatever the inbox says. */
  redelivered?: boolean;
}

/** Runs work in one transaction of the service's own database, e.g. `(work) => database.db.transaction(work)`. */
export type RunInTransaction<Tx> = <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;

export interface MessageConsumerDeps<Tx extends SqlExecutor> {
  service: string;
  runInTransaction: RunInTransaction<Tx>;
  /** The same database, for the bookkeeping that happens outside a handler's transaction. */
  db: SqlExecutor;
  handlers: MessageHandler<Tx>[];
  logger: Logger;
  metrics: ServiceMetrics;
  /** Failed handler runs before a message is dead-lettered. Default 5. */
  maxAttempts?: number;
  /** `messaging.system` of the consumer spans (the transport the messages arrive by). Default 'http'. */
  messagingSystem?: string;
}

export interface MessageConsumer {
  /** `raw` is the body as text or a Buffer (parsed here, so garbage is parked), or an already parsed object. Never throws. */
  consume(raw: unknown, options?: ConsumeOptions): Promise<ConsumeResult>;
  /**
   * Several messages that arrived together: the ones that can be handled run in one transaction (one commit for
   * all); when any of them fails there, each is consumed on its own instead, so one poison message cannot hold up
   * the others. Results in the order of `items`. Never throws.
   */
  consumeBatch(items: readonly BatchItem[]): Promise<ConsumeResult[]>;
}

export interface BatchItem {
  raw: unknown;
  options?: ConsumeOptions;
}
