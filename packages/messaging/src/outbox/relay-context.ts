import { describeError, type Logger, type ServiceMetrics, type SqlExecutor } from '@ordering/platform';
import { createRateLimitedLog } from '../runtime/rate-limited-log.js';
import { createWakeableSleep, type WakeableSleep } from '../runtime/wakeable-sleep.js';
import type { Transport } from '../transports/transport.js';
import { registerOutboxMetrics } from './outbox-metrics.js';
import { createOutboxPublisher, type OutboxPublisher } from './outbox-publisher.js';
import type { RelaySettings } from './relay-settings.js';

/** Any Drizzle node-postgres database, whatever its schema; the relay only touches the messaging tables. */
export interface RelayDatabase extends SqlExecutor {
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/** Everything the relay changes while it runs, in one place. */
export interface RelayState {
  running: boolean;
  stopping: boolean;
  databaseFailing: boolean;
  /** Set by a publish that found the transport away; cleared when it says it is back. */
  transportAway: boolean;
  loop?: Promise<void>;
  stopListening?: () => void;
  cleanupTimer?: NodeJS.Timeout;
  cleanup?: Promise<void>;
  stopped?: Promise<void>;
}

type RateLimitedLog = ReturnType<typeof createRateLimitedLog>;

/** What the relay's parts share: fixed dependencies, and the one mutable {@link RelayState}. */
export interface RelayContext {
  db: RelayDatabase;
  transport: Transport;
  log: Logger;
  settings: RelaySettings;
  publisher: OutboxPublisher;
  pause: WakeableSleep;
  state: RelayState;
  loopFailures: RateLimitedLog;
  transportOutage: RateLimitedLog;
  cleanupFailures: RateLimitedLog;
}

export interface RelayContextDeps {
  db: RelayDatabase;
  transport: Transport;
  logger: Logger;
  metrics: ServiceMetrics;
  service: string;
  settings: RelaySettings;
}

export const createRelayContext = (deps: RelayContextDeps): RelayContext => {
  const { db, transport, settings } = deps;
  const log = deps.logger.child({ component: 'outbox-relay' });
  const metrics = registerOutboxMetrics(db, deps.metrics, log);
  const transportOutage = createRateLimitedLog(log);
  const pause = createWakeableSleep();
  const state: RelayState = { running: false, stopping: false, databaseFailing: false, transportAway: false };
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
      if (!state.transportAway)
        transportOutage.warn({ error: describeError(error) }, 'transport unavailable, outbox messages stay pending until it is back');
      state.transportAway = true;
    },
    onRoom: () => pause.wake(),
  });
  return {
    db,
    transport,
    log,
    settings,
    publisher,
    pause,
    state,
    loopFailures: createRateLimitedLog(log),
    transportOutage,
    cleanupFailures: createRateLimitedLog(log, 60_000),
  };
};
