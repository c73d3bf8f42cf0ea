import type { Logger, ServiceMetrics } from '@ordering/platform';
import type { ChannelModel } from 'amqplib';
import { Gauge } from 'prom-client';
import { createRateLimitedLog } from '../../runtime/rate-limited-log.js';
import type { BackoffSettings } from '../../runtime/retry-delay.js';
import { createWakeableSleep, type WakeableSleep } from '../../runtime/wakeable-sleep.js';
import { DEFAULT_NAMESPACE } from './amqp-topology.js';
import { displayUrl, withHeartbeat } from './broker-address.js';

/** Runs on every fresh connection, after the topology is declared: open channels, subscribe consumers. */
export type ConnectedHook = (connection: ChannelModel) => Promise<void>;

export interface BrokerConnectionOptions {
  /** `amqp://…` or `amqps://…`. */
  url: string;
  /** Shown in RabbitMQ's connection list (`connection_name`), and in the logs. */
  service: string;
  logger: Logger;
  /** Registers the `broker_connected` gauge (0/1) when given. */
  metrics?: ServiceMetrics;
  namespace?: string;
  /** Waits between connection attempts. Default 200 ms .. 5 s with jitter, forever. */
  backoff?: BackoffSettings;
  /** AMQP heartbeat, so a silently dead peer is noticed. Default 10 s; a `heartbeat` in the URL wins. */
  heartbeatSeconds?: number;
}

/** What changes over the connection's life, in one place. */
export interface BrokerLinkState {
  live: ChannelModel | undefined;
  connected: boolean;
  closing: boolean;
  loop: Promise<void> | undefined;
  /** When the last connection was lost; undefined until the first one was up. */
  lostAt: number | undefined;
}

/** What the parts of one broker connection share: its settings, hooks, listeners and {@link BrokerLinkState}. */
export interface BrokerLink {
  namespace: string;
  backoff: BackoffSettings;
  /** With the heartbeat parameter. */
  url: string;
  service: string;
  log: Logger;
  attemptFailures: ReturnType<typeof createRateLimitedLog>;
  pause: WakeableSleep;
  hooks: Set<ConnectedHook>;
  availableListeners: Set<() => void>;
  state: BrokerLinkState;
  setConnected(value: boolean): void;
}

const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 200, maxMs: 5_000 };

const brokerConnectedGauge = (metrics: ServiceMetrics): Gauge => {
  const existing = metrics.registry.getSingleMetric('broker_connected');
  if (existing instanceof Gauge) return existing;
  return new Gauge({
    name: 'broker_connected',
    help: '1 while the message broker connection is up and its topology declared, else 0',
    registers: [metrics.registry],
  });
};

export const createBrokerLink = (options: BrokerConnectionOptions): BrokerLink => {
  const log = options.logger.child({ component: 'broker-connection', broker: displayUrl(options.url) });
  const gauge = options.metrics ? brokerConnectedGauge(options.metrics) : undefined;
  const state: BrokerLinkState = { live: undefined, connected: false, closing: false, loop: undefined, lostAt: undefined };
  gauge?.set(0);
  return {
    namespace: options.namespace ?? DEFAULT_NAMESPACE,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    url: withHeartbeat(options.url, options.heartbeatSeconds ?? 10),
    service: options.service,
    log,
    attemptFailures: createRateLimitedLog(log),
    pause: createWakeableSleep(),
    hooks: new Set(),
    availableListeners: new Set(),
    state,
    setConnected(value) {
      state.connected = value;
      gauge?.set(value ? 1 : 0);
    },
  };
};

export const closeQuietly = async (connection: ChannelModel): Promise<void> => {
  try {
    await connection.close();
  } catch {
    // Already closed, or the socket is gone: either way there is nothing left to close.
  }
};
