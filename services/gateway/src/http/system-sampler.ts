import type { Dispatcher } from 'undici';
import { readingsWithin, throughputOf, type CounterReading, type ThroughputPoint } from '../domain/message-throughput.js';
import type { UpstreamName } from '../domain/upstreams.js';
import { scrapeReplica, type ReplicaScrape } from './system-scrape.js';

export interface SampledReplica {
  url: string;
  latest: ReplicaScrape;
  /** Consumed per second from the reading before the latest one; null unless the latest scrape read the counter. */
  messagesPerSecond: number | null;
  throughput: ThroughputPoint[];
}

export interface SampledSystem {
  /** When the latest round of scrapes ended (milliseconds since the epoch). */
  sampledAt: number;
  services: { name: UpstreamName; replicas: SampledReplica[] }[];
}

export interface SystemSamplerOptions {
  upstreams: readonly { name: UpstreamName; replicas: readonly string[] }[];
  client: Dispatcher;
  /** Defaults: a round every 10 s, each endpoint given 2 s, stopped after 5 minutes unwatched, 5 minutes kept. */
  intervalMs?: number;
  timeoutMs?: number;
  idleMs?: number;
  historyMs?: number;
  /** For tests that set the time of each reading. */
  now?: () => number;
}

export interface SystemSampler {
  /** The latest round; the first call (since a stop) starts sampling and waits for its first round. */
  view(): Promise<SampledSystem>;
  /** One round now (what the timer runs); rounds never overlap, a call during one waits for it. */
  sampleNow(): Promise<void>;
  readonly sampling: boolean;
  /** Stops the timer, aborts a round in flight and forgets every reading. */
  stop(): void;
}

interface ReplicaState {
  url: string;
  latest: ReplicaScrape | undefined;
  readings: CounterReading[];
}

const MINUTE_MS = 60_000;

const readingOf = (scrape: ReplicaScrape): CounterReading | undefined =>
  scrape.consumedTotal === null ? undefined : { at: scrape.at, total: scrape.consumedTotal, startedAt: scrape.startedAt };

const presentReplica = (state: ReplicaState, latest: ReplicaScrape): SampledReplica => {
  const throughput = throughputOf(state.readings);
  const last = throughput.at(-1);
  // A rate of the past is not the current one: the latest scrape must have read the counter itself.
  const current = last !== undefined && last.at === latest.at && latest.consumedTotal !== null;
  return { url: state.url, latest, messagesPerSecond: current ? last.messagesPerSecond : null, throughput };
};

/**
 * Scrapes every replica of every upstream while someone watches the system view: started by the first view,
 * a round every 10 s, stopped after 5 minutes without a view (and with the app). Only the counter readings of the
 * last 5 minutes are kept, the rates are computed from them when viewed.
 */
export const createSystemSampler = (options: SystemSamplerOptions): SystemSampler => {
  const intervalMs = options.intervalMs ?? 10_000;
  const idleMs = options.idleMs ?? 5 * MINUTE_MS;
  const historyMs = options.historyMs ?? 5 * MINUTE_MS;
  const now = options.now ?? Date.now;
  const services = options.upstreams.map(({ name, replicas }) => ({
    name,
    replicas: replicas.map((url): ReplicaState => ({ url, latest: undefined, readings: [] })),
  }));
  const everyReplica = services.flatMap((service) => service.replicas);

  let timer: NodeJS.Timeout | undefined;
  let stopping = new AbortController();
  let round: Promise<void> | undefined;
  let sampledAt: number | undefined;
  let viewedAt = 0;

  const record = (state: ReplicaState, scrape: ReplicaScrape): void => {
    state.latest = scrape;
    const reading = readingOf(scrape);
    state.readings = readingsWithin(reading ? [...state.readings, reading] : state.readings, scrape.at, historyMs);
  };

  const runRound = async (): Promise<void> => {
    const stopped = stopping.signal;
    const settings = { client: options.client, timeoutMs: options.timeoutMs ?? 2_000, stopped, now };
    const scrapes = await Promise.all(everyReplica.map((state) => scrapeReplica(state.url, settings)));
    // A round the stop interrupted belongs to no one: its readings would start the next watch with a stale one.
    if (stopped.aborted) return;
    scrapes.forEach((scrape, index) => record(everyReplica[index] as ReplicaState, scrape));
    sampledAt = now();
  };

  const sampleNow = (): Promise<void> => {
    round ??= runRound().finally(() => {
      round = undefined;
    });
    return round;
  };

  const stop = (): void => {
    clearInterval(timer);
    timer = undefined;
    stopping.abort();
    stopping = new AbortController();
    sampledAt = undefined;
    for (const state of everyReplica) Object.assign(state, { latest: undefined, readings: [] });
  };

  const tick = (): void => {
    if (now() - viewedAt >= idleMs) stop();
    else void sampleNow();
  };

  const snapshot = (): SampledSystem => ({
    sampledAt: sampledAt ?? now(),
    services: services.map(({ name, replicas }) => ({
      name,
      replicas: replicas.flatMap((state) => (state.latest ? [presentReplica(state, state.latest)] : [])),
    })),
  });

  return {
    async view() {
      viewedAt = now();
      if (!timer) {
        timer = setInterval(tick, intervalMs);
        // Sampling is on behalf of viewers; it never keeps the process alive.
        timer.unref();
      }
      // A round a stop interrupted (idle, just before this view) recorded nothing: the next one will.
      while (sampledAt === undefined && timer !== undefined) await sampleNow();
      return snapshot();
    },
    sampleNow,
    get sampling() {
      return timer !== undefined;
    },
    stop,
  };
};
