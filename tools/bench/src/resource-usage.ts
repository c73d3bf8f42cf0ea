import { performance } from 'node:perf_hooks';
import type { HttpClient } from './http-client.js';
import { processTree, readCpuTimes, readPssBytes, readRssBytes } from './proc-reader.js';
import type { GroupName, LocatedProcesses } from './system-processes.js';

/**
 * What a run cost the system, per completed saga: SQL round trips (every process's `db_client_queries_total`, one
 * per statement sent to PostgreSQL, BEGIN and COMMIT included) and CPU time from /proc (utime+stime of every process
 * of the system and its descendants), each read before and after the run. The bench's own CPU (the load generator)
 * is reported beside, never in the system's total. Also the system's idle memory after start.
 */

/** Where each process's `/metrics` is: every service replica, and the gateway's metrics listener. */
export interface MetricsTarget {
  /** `order`, `order#1`, `gateway`. */
  readonly process: string;
  readonly url: string;
}

export interface UsageSnapshot {
  readonly at: number;
  /** Statements per process; undefined when that process's metrics could not be read. */
  readonly queries: Readonly<Record<string, number | undefined>>;
  /** CPU ms per group and the pids it was read from (a changed pid set means a restart lost CPU time). */
  readonly cpu: Readonly<Partial<Record<GroupName, { readonly ms: number; readonly pids: string }>>>;
  readonly benchCpuMs: number;
}

export interface PerSaga {
  readonly total: number;
  readonly perSaga: number | null;
}

export interface RunResources {
  /** The denominator: sagas of this run that became terminal (the count behind completed sagas/s). */
  readonly sagas: number;
  /** From the snapshot before the load to the one after the drain and the settle. */
  readonly windowSeconds: number;
  /** How long after the last saga was terminal the bench waited for the statement count to go quiet. */
  readonly settleMs: number;
  readonly sqlRoundTripsPerSaga: number | null;
  readonly sqlRoundTrips: {
    readonly total: number | null;
    /** By service (replicas added up); the gateway has no database and counts none. */
    readonly byService: Readonly<Record<string, PerSaga>>;
    /**
     * An estimate: the total minus what the idle system sends over the same window (its pollers), per saga. At low
     * throughput the idle statements are most of the total; this is the part the sagas caused.
     */
    readonly netOfIdlePerSaga: number | null;
    readonly reason?: string;
  };
  /** All processes of the system: services, gateway, launcher, PostgreSQL (and RabbitMQ in production mode). */
  readonly cpuMsPerSaga: number | null;
  readonly cpu: {
    readonly totalMs: number | null;
    readonly byGroup: Readonly<Partial<Record<GroupName, PerSaga & { readonly shared: boolean }>>>;
    /** Groups of the system that are not in the total, and why. */
    readonly missing: Readonly<Partial<Record<GroupName, string>>>;
    /** The load generator itself (this process): on the same cores, but not part of the system. */
    readonly bench: PerSaga;
    /**
     * Without the shared servers (production mode's PostgreSQL and RabbitMQ, which others may use meanwhile); in embedded mode the same as
     * the total.
     */
    readonly ownProcesses: PerSaga;
    readonly reason?: string;
  };
}

const METRIC = /^db_client_queries_total(?:\{[^}]*\})?\s+([0-9.eE+-]+)\s*$/;

/** The sum over every series of the counter; 0 when the process does not have it (the gateway: no database). */
export const parseQueryCount = (metricsText: string): number =>
  metricsText.split('\n').reduce((sum, line) => {
    const match = METRIC.exec(line.trim());
    return match ? sum + Number(match[1]) : sum;
  }, 0);

const readQueries = async (client: HttpClient, targets: readonly MetricsTarget[]): Promise<Record<string, number | undefined>> => {
  const entries = await Promise.all(
    targets.map(async (target) => {
      const response = await client.request(`${target.url}/metrics`, { headers: { accept: 'text/plain' }, timeoutMs: 10_000 });
      return [target.process, response.status === 200 ? parseQueryCount(response.text) : undefined] as const;
    }),
  );
  return Object.fromEntries(entries);
};

/** CPU of every group; a pid seen in an earlier group (the launcher's descendants) is not counted twice. */
const readCpu = (located: LocatedProcesses): UsageSnapshot['cpu'] => {
  const seen = new Set<number>();
  const cpu: Partial<Record<GroupName, { ms: number; pids: string }>> = {};
  for (const group of located.groups) {
    let ms = 0;
    const pids: number[] = [];
    for (const root of group.rootPids) {
      for (const pid of processTree(root)) {
        if (seen.has(pid)) continue;
        seen.add(pid);
        const times = readCpuTimes(pid);
        if (!times) continue;
        pids.push(pid);
        ms += times.ownMs + (group.countReaped || pid !== root ? times.reapedChildrenMs : 0);
      }
    }
    // Only the roots identify the group: a backend coming or going is normal, a new root pid is a restart.
    cpu[group.name] = { ms, pids: [...group.rootPids].sort().join(',') };
  }
  return cpu;
};

const benchCpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

export const takeUsageSnapshot = async (
  client: HttpClient,
  targets: readonly MetricsTarget[],
  located: LocatedProcesses,
): Promise<UsageSnapshot> => {
  const queries = await readQueries(client, targets);
  return { at: performance.now(), queries, cpu: readCpu(located), benchCpuMs: benchCpuMs() };
};

const SETTLE_STEP_MS = 200;
const MAX_SETTLE_MS = 3000;
/** Headroom over the idle rate before a step counts as busy: pollers do not tick evenly. */
const IDLE_SLACK = 1.5;
const IDLE_SLACK_STATEMENTS = 5;

const sumQueries = (snapshot: UsageSnapshot): number =>
  Object.values(snapshot.queries).reduce<number>((sum, value) => sum + (value ?? 0), 0);

/**
 * After the last saga is terminal the system may still be finishing (a reply marked sent, the last outbox sweep):
 * snapshots every 200 ms until a step adds no more statements than the idle system does (its pollers never stop),
 * at most 3 s.
 */
export const takeSettledSnapshot = async (
  client: HttpClient,
  targets: readonly MetricsTarget[],
  located: LocatedProcesses,
  idleStatementsPerSecond: number,
): Promise<{ snapshot: UsageSnapshot; settleMs: number }> => {
  const started = performance.now();
  const quiet = (idleStatementsPerSecond * SETTLE_STEP_MS * IDLE_SLACK) / 1000 + IDLE_SLACK_STATEMENTS;
  let previous = await takeUsageSnapshot(client, targets, located);
  while (performance.now() - started < MAX_SETTLE_MS) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS));
    const next = await takeUsageSnapshot(client, targets, located);
    const step = sumQueries(next) - sumQueries(previous);
    previous = next;
    if (step <= quiet) break;
  }
  return { snapshot: previous, settleMs: Math.round(performance.now() - started) };
};

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;
const perSaga = (total: number, sagas: number, digits: number): PerSaga => ({
  total: round(total, digits),
  perSaga: sagas === 0 ? null : round(total / sagas, digits),
});

const serviceOf = (processName: string): string => processName.replace(/#\d+$/, '');

const roundTripsBetween = (
  before: UsageSnapshot,
  after: UsageSnapshot,
  sagas: number,
  idleStatementsPerSecond: number | undefined,
): RunResources['sqlRoundTrips'] & { perSaga: number | null } => {
  const unreadable = Object.keys(after.queries).filter((name) => before.queries[name] === undefined || after.queries[name] === undefined);
  if (Object.keys(after.queries).length === 0)
    return { total: null, perSaga: null, byService: {}, netOfIdlePerSaga: null, reason: 'no service metrics to read' };
  if (unreadable.length > 0)
    return {
      total: null,
      perSaga: null,
      byService: {},
      netOfIdlePerSaga: null,
      reason: `the metrics of ${unreadable.join(', ')} could not be read before and after the run`,
    };
  const byService: Record<string, number> = {};
  for (const [name, count] of Object.entries(after.queries))
    byService[serviceOf(name)] = (byService[serviceOf(name)] ?? 0) + (count ?? 0) - (before.queries[name] ?? 0);
  const total = Object.values(byService).reduce((sum, value) => sum + value, 0);
  if (total === 0 && sagas > 0)
    return { total: 0, perSaga: null, byService: {}, netOfIdlePerSaga: null, reason: 'no process reports db_client_queries_total' };
  const idle = idleStatementsPerSecond === undefined ? undefined : (idleStatementsPerSecond * (after.at - before.at)) / 1000;
  return {
    total,
    perSaga: sagas === 0 ? null : round(total / sagas, 1),
    netOfIdlePerSaga: sagas === 0 || idle === undefined ? null : round(Math.max(0, total - idle) / sagas, 1),
    byService: Object.fromEntries(Object.entries(byService).map(([name, count]) => [name, perSaga(count, sagas, 1)])),
  };
};

const cpuBetween = (
  before: UsageSnapshot,
  after: UsageSnapshot,
  located: LocatedProcesses,
  sagas: number,
): RunResources['cpu'] & { perSaga: number | null } => {
  const missing: Partial<Record<GroupName, string>> = { ...located.missing };
  const byGroup: Partial<Record<GroupName, PerSaga & { shared: boolean }>> = {};
  for (const group of located.groups) {
    const start = before.cpu[group.name];
    const end = after.cpu[group.name];
    if (!start || !end) missing[group.name] = 'not found before and after the run';
    else if (start.pids !== end.pids)
      missing[group.name] = `restarted during the run (pids ${start.pids} -> ${end.pids}): its CPU time before the restart is lost`;
    else byGroup[group.name] = { ...perSaga(end.ms - start.ms, sagas, 2), shared: group.shared };
  }
  const bench = perSaga(after.benchCpuMs - before.benchCpuMs, sagas, 2);
  const ownProcesses = perSaga(
    Object.values(byGroup).reduce((sum, entry) => sum + (entry.shared ? 0 : entry.total), 0),
    sagas,
    2,
  );
  const totalMs = Object.values(byGroup).reduce((sum, entry) => sum + entry.total, 0);
  const incomplete = Object.keys(missing).length > 0;
  return {
    totalMs: incomplete ? null : round(totalMs, 1),
    perSaga: incomplete || sagas === 0 ? null : round(totalMs / sagas, 2),
    byGroup,
    missing,
    bench,
    ownProcesses,
    ...(incomplete
      ? {
          reason: `not every process of the system could be measured: ${Object.entries(missing)
            .map(([name, why]) => `${name}: ${why}`)
            .join('; ')}`,
        }
      : {}),
  };
};

export const resourcesBetween = (
  before: UsageSnapshot,
  after: UsageSnapshot,
  settleMs: number,
  located: LocatedProcesses,
  sagas: number,
  idleStatementsPerSecond?: number,
): RunResources => {
  const { perSaga: roundTrips, ...sqlRoundTrips } = roundTripsBetween(before, after, sagas, idleStatementsPerSecond);
  const { perSaga: cpuPerSaga, ...cpu } = cpuBetween(before, after, located, sagas);
  return {
    sagas,
    windowSeconds: round((after.at - before.at) / 1000, 2),
    settleMs,
    sqlRoundTripsPerSaga: roundTrips,
    sqlRoundTrips,
    cpuMsPerSaga: cpuPerSaga,
    cpu,
  };
};

export interface IdleMemory {
  /** Sum of VmRSS of every counted process (shared pages counted in each process that maps them). */
  readonly rssMiB: number | null;
  /** Sum of Pss (shared pages split between the processes that map them), when every smaps_rollup was readable. */
  readonly pssMiB: number | null;
  readonly byGroup: Readonly<Partial<Record<GroupName, { readonly rssMiB: number; readonly processes: number }>>>;
  /** What the sum includes, in words. */
  readonly included: string;
  readonly reason?: string;
}

const MIB = 2 ** 20;

/** Idle memory of the system's own processes: the shared servers of production mode are not the system's, so left out. */
export const readIdleMemory = (located: LocatedProcesses, mode: 'embedded' | 'production'): IdleMemory => {
  const seen = new Set<number>();
  const byGroup: Partial<Record<GroupName, { rssMiB: number; processes: number }>> = {};
  let rss = 0;
  let pss = 0;
  let pssComplete = true;
  const counted = located.groups.filter((group) => !group.shared);
  for (const group of counted) {
    let groupRss = 0;
    let processes = 0;
    for (const pid of group.rootPids.flatMap((root) => processTree(root))) {
      if (seen.has(pid)) continue;
      seen.add(pid);
      const bytes = readRssBytes(pid);
      if (bytes === undefined) continue;
      groupRss += bytes;
      processes += 1;
      const proportional = readPssBytes(pid);
      if (proportional === undefined) pssComplete = false;
      else pss += proportional;
    }
    rss += groupRss;
    byGroup[group.name] = { rssMiB: round(groupRss / MIB, 1), processes };
  }
  const missingOwn = Object.entries(located.missing).filter(
    ([name]) => name !== 'rabbitmq' && (mode === 'embedded' || name !== 'postgres'),
  );
  const included =
    mode === 'embedded'
      ? 'the gateway, every service replica, the launcher (with its helpers) and the embedded PostgreSQL (postmaster and all its processes)'
      : 'the gateway, every service replica and the launcher (with its helpers); not the PostgreSQL server nor RabbitMQ, which are shared servers of this machine';
  return {
    rssMiB: missingOwn.length > 0 ? null : round(rss / MIB, 1),
    pssMiB: missingOwn.length > 0 || !pssComplete ? null : round(pss / MIB, 1),
    byGroup,
    included,
    ...(missingOwn.length > 0
      ? { reason: `not found: ${missingOwn.map(([name, why]) => `${name} (${why})`).join(', ')}` }
      : !pssComplete
        ? { reason: 'Pss unreadable for some process (smaps_rollup needs root or the same user)' }
        : {}),
  };
};

/** What the system does with nothing to do (pollers, sweepers, health checks): it is in every run's figures too. */
export interface IdleActivity {
  readonly seconds: number;
  readonly sqlStatementsPerSecond: number | null;
  readonly sqlByService: Readonly<Record<string, number>>;
  readonly cpuMsPerSecond: number | null;
  readonly cpuByGroup: Readonly<Partial<Record<GroupName, number>>>;
  readonly reason?: string;
}

export const idleActivityBetween = (before: UsageSnapshot, after: UsageSnapshot, located: LocatedProcesses): IdleActivity => {
  const totals = resourcesBetween(before, after, 0, located, 0);
  const seconds = Math.max(0.001, totals.windowSeconds);
  const rate = (value: number): number => round(value / seconds, 1);
  const reasons = [totals.sqlRoundTrips.reason, totals.cpu.reason].filter((reason) => reason !== undefined);
  return {
    seconds: totals.windowSeconds,
    sqlStatementsPerSecond: totals.sqlRoundTrips.total === null ? null : rate(totals.sqlRoundTrips.total),
    sqlByService: Object.fromEntries(Object.entries(totals.sqlRoundTrips.byService).map(([name, entry]) => [name, rate(entry.total)])),
    cpuMsPerSecond: totals.cpu.totalMs === null ? null : rate(totals.cpu.totalMs),
    cpuByGroup: Object.fromEntries(Object.entries(totals.cpu.byGroup).map(([name, entry]) => [name, rate(entry.total)])),
    ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
  };
};
