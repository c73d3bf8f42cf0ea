import type { Logger, ServiceMetrics } from '@ordering/platform';
import { connect, type ChannelModel } from 'amqplib';
import { Gauge } from 'prom-client';
import { createRateLimitedLog } from '../../runtime/rate-limited-log.js';
import { retryDelayMs, type BackoffSettings } from '../../runtime/retry-delay.js';
import { createWakeableSleep } from '../../runtime/wakeable-sleep.js';
import { DEFAULT_NAMESPACE, declareTopology } from './amqp-topology.js';

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

export interface BrokerConnection {
  readonly namespace: string;
  /** True once connected, the topology declared and every hook ran; false again as soon as the connection is lost. */
  isConnected(): boolean;
  /** Connects in the background and keeps reconnecting until `close()`. Never throws, never blocks. */
  start(): void;
  /** Hooks run in registration order; one registered while connected also runs at once. Returns the unregister function. */
  onConnected(hook: ConnectedHook): () => void;
  /** Called each time the connection becomes usable (after the hooks). Returns the unsubscribe function. */
  onAvailable(listener: () => void): () => void;
  /**
   * Drops the current connection and connects again: for a channel that died while its connection stayed open.
   * Re-running every hook on a fresh connection is simpler, and no less correct, than repairing one channel.
   */
  recycle(reason: string): void;
  /** The live connection, if any. */
  current(): ChannelModel | undefined;
  /** Stops reconnecting and closes the connection (its channels with it). */
  close(): Promise<void>;
}

const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 200, maxMs: 5_000 };
const CONNECT_TIMEOUT_MS = 5_000;
const CLOSE_TIMEOUT_MS = 2_000;

const withHeartbeat = (url: string, seconds: number): string => {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
  return parsed.toString();
};

/** The broker's address without credentials, for logs. */
const displayUrl = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
};

const brokerConnectedGauge = (metrics: ServiceMetrics): Gauge => {
  const existing = metrics.registry.getSingleMetric('broker_connected');
  if (existing instanceof Gauge) return existing;
  return new Gauge({ name: 'broker_connected', help: '1 while the message broker connection is up and its topology declared, else 0', registers: [metrics.registry] });
};

const closeQuietly = async (connection: ChannelModel): Promise<void> => {
  try {
    await connection.close();
  } catch {
    // Already closed, or the socket is gone: either way there is nothing left to close.
  }
};

/**
 * One AMQP connection per process, kept alive for as long as the service runs: after a lost connection it
 * reconnects with backoff and jitter, re-declares the topology and re-runs the registered hooks (channels,
 * consumer subscriptions). amqplib emits 'error' on connections and channels; every emitter created here has a
 * listener, so a broker going away is a log line, never an unhandled 'error' that kills the process.
 */
export const createBrokerConnection = (options: BrokerConnectionOptions): BrokerConnection => {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const url = withHeartbeat(options.url, options.heartbeatSeconds ?? 10);
  const log = options.logger.child({ component: 'broker-connection', broker: displayUrl(options.url) });
  const attemptFailures = createRateLimitedLog(log);
  const gauge = options.metrics ? brokerConnectedGauge(options.metrics) : undefined;
  const pause = createWakeableSleep();
  const hooks = new Set<ConnectedHook>();
  const availableListeners = new Set<() => void>();

  let live: ChannelModel | undefined;
  let connected = false;
  let closing = false;
  let loop: Promise<void> | undefined;
  /** When the last connection was lost; undefined until the first one was up. */
  let lostAt: number | undefined;
  gauge?.set(0);

  const setConnected = (value: boolean): void => {
    connected = value;
    gauge?.set(value ? 1 : 0);
  };

  const notifyAvailable = (): void => {
    for (const listener of availableListeners) {
      try {
        listener();
      } catch (error) {
        log.warn({ err: error }, 'broker availability listener failed');
      }
    }
  };

  // noDelay: amqplib leaves Nagle's algorithm on, so each small publish or ack waited up to ~40 ms for the peer's
  // delayed ACK; a saga's six hops paid it about six times at low load (docs/performance.md).
  const open = (): Promise<ChannelModel> =>
    connect(url, { timeout: CONNECT_TIMEOUT_MS, noDelay: true, clientProperties: { connection_name: options.service } });

  /** Declares the topology on a short-lived channel, then runs every hook. Throws if any step fails. */
  const prepare = async (connection: ChannelModel): Promise<void> => {
    const channel = await connection.createChannel();
    channel.on('error', (error: Error) => log.warn({ err: error }, 'topology channel error'));
    await declareTopology(channel, namespace);
    await channel.close();
    for (const hook of hooks) await hook(connection);
  };

  /** Resolves with the reason once `connection` is closed, whoever closed it. */
  const closedSignal = (connection: ChannelModel): Promise<Error | undefined> =>
    new Promise((resolve) => {
      connection.on('error', (error: Error) => log.debug({ err: error }, 'broker connection error'));
      connection.on('blocked', (reason: string) => log.warn({ reason }, 'broker blocked this connection (resource alarm): publishes wait'));
      connection.on('unblocked', () => log.info('broker unblocked this connection'));
      connection.once('close', (error?: Error) => resolve(error));
    });

  /** One connection's lifetime. Returns whether it ever became usable (which resets the backoff). */
  const connectOnce = async (): Promise<boolean> => {
    const connection = await open();
    live = connection;
    const closed = closedSignal(connection);
    try {
      await prepare(connection);
    } catch (error) {
      live = undefined;
      await closeQuietly(connection);
      throw error;
    }
    if (closing) {
      live = undefined;
      await closeQuietly(connection);
      return true;
    }
    const downSince = lostAt;
    setConnected(true);
    attemptFailures.reset();
    if (downSince === undefined) log.info({ namespace }, 'connected to the broker, topology declared');
    else log.info({ namespace, downForMs: Date.now() - downSince }, 'broker connection restored, topology declared and consumers resubscribed');
    notifyAvailable();
    const reason = await closed;
    live = undefined;
    setConnected(false);
    if (!closing) {
      lostAt = Date.now();
      log.warn({ err: reason }, 'broker connection lost, reconnecting with backoff');
    }
    return true;
  };

  const run = async (): Promise<void> => {
    let failures = 0;
    while (!closing) {
      try {
        if (await connectOnce()) failures = 0;
      } catch (error) {
        failures += 1;
        attemptFailures.warn({ err: error, failures }, 'could not connect to the broker, retrying with backoff');
      }
      if (!closing) await pause.sleep(retryDelayMs(Math.max(failures, 1), backoff), { wakeable: false });
    }
  };

  return {
    namespace,
    isConnected: () => connected,
    start() {
      if (loop || closing) return;
      loop = run();
    },
    onConnected(hook) {
      hooks.add(hook);
      const connection = live;
      if (connected && connection) {
        hook(connection).catch((error: unknown) => {
          log.warn({ err: error }, 'broker hook failed on the live connection, reconnecting');
          void closeQuietly(connection);
        });
      }
      return () => hooks.delete(hook);
    },
    onAvailable(listener) {
      availableListeners.add(listener);
      return () => availableListeners.delete(listener);
    },
    recycle(reason) {
      const connection = live;
      if (!connection || closing) return;
      log.warn({ reason }, 'recycling the broker connection');
      void closeQuietly(connection);
    },
    current: () => live,
    async close() {
      if (closing) return;
      closing = true;
      pause.interrupt();
      const connection = live;
      if (connection) await closeQuietly(connection);
      setConnected(false);
      // A connect attempt in flight finishes on its own (bounded by the connect timeout) and is closed then.
      const settled = Promise.race([loop ?? Promise.resolve(), new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref())]);
      await settled;
      if (live) await closeQuietly(live);
      log.info('broker connection closed');
    },
  };
};
