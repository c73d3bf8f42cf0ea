import type { Logger, ServiceMetrics } from '@ordering/platform';
import { Redis } from 'ioredis';
import { Counter, Gauge } from 'prom-client';

export interface SharedStoreSettings {
  /** `redis://` or `rediss://`, possibly with credentials (never logged). */
  url: string;
  /** Prepended to every key, so two systems on one Redis never share counts. */
  keyPrefix: string;
}

/** The Redis that every gateway replica counts in, and how the limiter reports the requests it could not count. */
export interface SharedRateLimitStore {
  readonly client: Redis;
  readonly keyPrefix: string;
  /** For every request the limiter let through: when Redis is not connected, that request was not counted. */
  noteAllowedRequest(): void;
  close(): void;
}

/** While Redis stays down, one warning per interval is enough to see it; every bypassed request is still counted. */
const WARNING_INTERVAL_MS = 60_000;
const CONNECT_TIMEOUT_MS = 1_000;
const COMMAND_TIMEOUT_MS = 500;
const MAX_RECONNECT_DELAY_MS = 5_000;

/** `redis://user:secret@host:6379/0` -> `redis://host:6379/0`, for logs. */
const displayUrl = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
};

const metricOf = <M>(metrics: ServiceMetrics, name: string, create: () => M): M =>
  (metrics.registry.getSingleMetric(name) as M | undefined) ?? create();

/**
 * Connects in the background and keeps reconnecting: the gateway starts, gets ready and serves whether or not Redis
 * is up. A request never waits for Redis: with no offline queue, no retries per command and a short command timeout,
 * a command fails at once (or within COMMAND_TIMEOUT_MS) while Redis is unreachable, and the limiter (skipOnError)
 * then lets the request through uncounted. Fail open, because the whole API must not go down with a cache; the
 * brute-force protection of logins is kept in the customer database, not here.
 */
export const connectSharedRateLimitStore = (
  settings: SharedStoreSettings,
  logger: Logger,
  metrics: ServiceMetrics,
): SharedRateLimitStore => {
  const connected = metricOf(
    metrics,
    'rate_limit_store_connected',
    () =>
      new Gauge({
        name: 'rate_limit_store_connected',
        help: '1 while the shared rate-limit store (Redis) is connected, else 0',
        registers: [metrics.registry],
      }),
  );
  const bypassed = metricOf(
    metrics,
    'rate_limit_store_bypassed_total',
    () =>
      new Counter({
        name: 'rate_limit_store_bypassed_total',
        help: 'Requests served without the shared rate-limit count because its store (Redis) was unreachable (fail open)',
        registers: [metrics.registry],
      }),
  );
  connected.set(0);

  const where = displayUrl(settings.url);
  const client = new Redis(settings.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 6), MAX_RECONNECT_DELAY_MS),
  });

  let lastWarningAt = -Infinity;
  let bypassedSinceWarning = 0;
  const warnAtMostEveryInterval = (fields: Record<string, unknown>): void => {
    const now = Date.now();
    if (now - lastWarningAt < WARNING_INTERVAL_MS) return;
    lastWarningAt = now;
    logger.warn(
      { store: where, bypassedRequests: bypassedSinceWarning, ...fields },
      'rate-limit store unreachable: requests are served without the shared limit (fail open)',
    );
    bypassedSinceWarning = 0;
  };

  client.on('ready', () => {
    connected.set(1);
    lastWarningAt = -Infinity;
    logger.info({ store: where }, 'rate-limit store connected');
  });
  client.on('close', () => connected.set(0));
  // Without a listener ioredis would print every failed reconnect itself; the reason goes into the throttled warning.
  client.on('error', (error: Error) => warnAtMostEveryInterval({ reason: error.message }));

  return {
    client,
    keyPrefix: settings.keyPrefix,
    noteAllowedRequest: () => {
      if (client.status === 'ready') return;
      bypassed.inc();
      bypassedSinceWarning += 1;
      warnAtMostEveryInterval({ reason: `connection ${client.status}` });
    },
    close: () => client.disconnect(),
  };
};
