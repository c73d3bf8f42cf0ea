import type { Logger } from '@ordering/platform';
import type { Registry } from 'prom-client';
import { createRateLimitedLog } from './rate-limited-log.js';

export interface ScrapeSnapshotOptions {
  /** Names the source in the warning logged when a read fails, e.g. 'outbox metrics'. */
  what: string;
  logger: Logger;
  /** Several gauges of one scrape share one read. Default 1 s. */
  maxAgeMs?: number;
  /** A scrape must not hang on a database or broker that does not answer. Default 2 s. */
  timeoutMs?: number;
}

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} query timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

/**
 * Gauges read from a database or a broker when scraped. Returns a function that gives the latest read: shared by
 * every gauge of one scrape (one query, not one per gauge), bounded by a timeout, and undefined when the read
 * failed, so that the gauge keeps its last value and the scrape itself still succeeds. Failures are logged at most
 * once a minute.
 */
export const createScrapeSnapshot = <T>(read: () => Promise<T>, options: ScrapeSnapshotOptions): (() => Promise<T | undefined>) => {
  const maxAgeMs = options.maxAgeMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const failures = createRateLimitedLog(options.logger, 60_000);
  let cached: { at: number; snapshot: Promise<T | undefined> } | undefined;
  return () => {
    if (cached && Date.now() - cached.at < maxAgeMs) return cached.snapshot;
    const fresh = withTimeout(read(), timeoutMs, options.what).then(
      (value) => {
        failures.reset();
        return value;
      },
      (error: unknown) => {
        failures.warn({ err: error }, `${options.what} could not be read`);
        return undefined;
      },
    );
    cached = { at: Date.now(), snapshot: fresh };
    return fresh;
  };
};

/**
 * The `registers` of a gauge whose `collect` reads through a snapshot: one registered earlier under the same name (an
 * earlier instance in the same process, as tests build them) is replaced, so scrapes read the current source.
 */
export const replacingIn = (registry: Registry, name: string): Registry[] => {
  registry.removeSingleMetric(name);
  return [registry];
};
