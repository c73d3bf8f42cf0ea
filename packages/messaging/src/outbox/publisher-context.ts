import type { Logger, SqlExecutor } from '@ordering/platform';
import { createRateLimitedLog } from '../runtime/rate-limited-log.js';
import type { BackoffSettings } from '../runtime/retry-delay.js';
import type { Transport } from '../transports/transport.js';
import type { OutboxMetrics } from './outbox-metrics.js';
import type { OutboxRow } from './outbox-row.js';

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

/** Everything the publisher changes as rows come and go, in one place. */
export interface PublisherState {
  queue: OutboxRow[];
  inFlight: number;
  inFlightTo: Map<string, number>;
  /** Delivered rows waiting for the next SENT update. */
  sentIds: string[];
  /** The SENT update in flight, if any. */
  marking: Promise<void> | undefined;
  /** Other writes of outcomes (failures, hand-backs) still running. */
  pendingWrites: Set<Promise<void>>;
  idleWaiters: Array<() => void>;
}

type RateLimitedLog = ReturnType<typeof createRateLimitedLog>;

/** What the publisher's parts share: its dependencies, derived settings, rate-limited logs and {@link PublisherState}. */
export interface PublisherContext extends OutboxPublisherDeps {
  spanSettings: { service: string; system: string };
  /** 1 when the transport cannot send batches. */
  batchLimit: number;
  publishFailures: RateLimitedLog;
  signatureRefusals: RateLimitedLog;
  markFailures: RateLimitedLog;
  state: PublisherState;
}

export const createPublisherContext = (deps: OutboxPublisherDeps): PublisherContext => ({
  ...deps,
  spanSettings: { service: deps.service, system: deps.transport.name ?? 'http' },
  batchLimit: deps.transport.publishBatch ? Math.max(1, deps.settings.maxBatch) : 1,
  publishFailures: createRateLimitedLog(deps.log, 5_000),
  signatureRefusals: createRateLimitedLog(deps.log),
  markFailures: createRateLimitedLog(deps.log),
  state: { queue: [], inFlight: 0, inFlightTo: new Map(), sentIds: [], marking: undefined, pendingWrites: new Set(), idleWaiters: [] },
});

const isIdle = ({ state }: PublisherContext): boolean =>
  state.queue.length === 0 &&
  state.inFlight === 0 &&
  state.sentIds.length === 0 &&
  state.marking === undefined &&
  state.pendingWrites.size === 0;

/** Resolves once every queued and in-flight publish, and the marks they wrote, are done. */
export const whenIdle = (context: PublisherContext): Promise<void> => {
  if (isIdle(context)) return Promise.resolve();
  return new Promise<void>((resolve) => context.state.idleWaiters.push(resolve));
};

/** Wakes whoever waits in {@link whenIdle}, if nothing is left to do. */
export const settleIdle = (context: PublisherContext): void => {
  if (!isIdle(context)) return;
  const waiters = context.state.idleWaiters;
  context.state.idleWaiters = [];
  for (const resolve of waiters) resolve();
};
