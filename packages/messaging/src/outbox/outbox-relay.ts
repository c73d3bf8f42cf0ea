import { type Logger, type ServiceMetrics, withoutTracing } from '@ordering/platform';
import type { OutgoingMessage } from './outgoing-messages.js';
import type { Transport } from '../transports/transport.js';
import { committedRow } from './claim-due-rows.js';
import { scheduleCleanup } from './relay-cleanup.js';
import { createRelayContext, type RelayDatabase } from './relay-context.js';
import { runRelayLoop } from './relay-loop.js';
import { resolveRelaySettings, type OutboxRelayOptions } from './relay-settings.js';
import { stopRelay } from './relay-shutdown.js';

export type { RelayDatabase } from './relay-context.js';
export type { OutboxRelayOptions } from './relay-settings.js';

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

/**
 * Publishes the transactional outbox. A transaction opened by `messaging.transaction` sends its own messages
 * right after commit ({@link OutboxRelay.sendCommitted}): their rows carry a lease, and the relay leaves them
 * alone while it runs. The relay's loop is the safety net: it claims due rows (nobody sent them: the sender
 * crashed, a peer was down, they were written outside such a transaction) in one short statement that extends
 * their lease (FOR UPDATE SKIP LOCKED, so replicas share the table), and publishes them outside any transaction.
 * Delivery is at least once; receivers drop duplicates through their inbox.
 */
export const createOutboxRelay = (deps: OutboxRelayDeps): OutboxRelay => {
  const settings = resolveRelaySettings(deps.options);
  const context = createRelayContext({ ...deps, settings });
  const { state, log, pause } = context;

  return {
    get sending() {
      return state.running && !state.stopping;
    },
    leaseMs: settings.leaseMs,
    start() {
      if (state.running || state.stopping) return;
      state.running = true;
      // Polling and cleanup SQL would start a new trace every poll; each publish gets its own span in its message's trace.
      withoutTracing(() => {
        state.loop = runRelayLoop(context);
        scheduleCleanup(context);
      });
      state.stopListening = deps.transport.onAvailable?.(() => {
        state.transportAway = false;
        pause.interrupt();
      });
      log.info(
        {
          batchSize: settings.batchSize,
          concurrency: settings.concurrency,
          leaseMs: settings.leaseMs,
          pollIntervalMs: settings.pollIntervalMs,
        },
        'outbox relay started',
      );
    },
    sendCommitted(messages) {
      if (messages.length === 0 || state.stopping) return;
      context.publisher.offer(messages.map(committedRow));
    },
    wake() {
      pause.wake();
    },
    stop() {
      state.stopped ??= stopRelay(context);
      return state.stopped;
    },
  };
};
