import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { BenchConfig, LoadShape } from './bench-config.js';
import { buildRunReport, describeLatencyMethod, machineInfo, plotFileFor, type BenchReport, type RunReport } from './bench-report.js';
import { runCheckoutLoad, type CheckoutRecord, type LoadCounters, type LoadResult } from './checkout-load.js';
import { adminToken, fetchMenu, prepareCustomers, type BenchCustomer, type MenuItem } from './customer-pool.js';
import { measureGatewayOverhead, type GatewayOverhead } from './gateway-overhead.js';
import { createHttpClient, type HttpClient } from './http-client.js';
import { checkInvariantsThroughGateway } from './invariant-check.js';
import { summarizeProfile, type ProfileSummary } from './profile-summary.js';
import { measureMessageHops, type HopSummary } from './message-hops.js';
import { durationBetween, readSagaDurationTotals } from './saga-duration-metrics.js';
import { startProgressLine } from './progress-line.js';
import {
  idleActivityBetween,
  readIdleMemory,
  resourcesBetween,
  takeSettledSnapshot,
  takeUsageSnapshot,
  type IdleActivity,
  type IdleMemory,
  type RunResources,
} from './resource-usage.js';
import { countSagas, preloadSagas, type PreloadResult } from './saga-preload.js';
import { createProcessLocator, type LocatedProcesses } from './system-processes.js';
import { removeProfileDir, startSystem, type RunningSystem } from './system-under-test.js';
import { pgbenchAvailable, runYardstick, type YardstickResult } from './yardstick.js';

/**
 * One bench run, start to finish: start the system, prepare customers, measure the read route's gateway overhead,
 * then for each load level run checkouts until every saga is terminal and the yardstick at the same concurrency,
 * check the money invariants, stop the system (dropping what it created) and collect the profiles.
 */

/** The gateway-overhead comparison at this concurrency when the run itself has no single one (a sweep, an open loop). */
const DEFAULT_OVERHEAD_CONCURRENCY = 16;
const MAX_OVERHEAD_MS = 5000;
/** Sockets for an open loop, which may hold many `?wait` requests at once. */
const OPEN_LOOP_SOCKETS = 4096;

const overheadConcurrency = (loads: readonly LoadShape[]): number => {
  const [only] = loads;
  return loads.length === 1 && only?.kind === 'closed' ? only.concurrency : DEFAULT_OVERHEAD_CONCURRENCY;
};

/** Little's law over the run: the mean number of checkouts in flight, the yardstick's concurrency for an open loop. */
const meanInFlight = (result: LoadResult): number => {
  const busy = result.records.reduce((sum, record) => sum + ((record.terminalAt ?? record.acceptedAt ?? record.dueAt) - record.dueAt), 0);
  return Math.max(1, Math.round(busy / Math.max(1, result.drainedAt - result.startedAt)));
};

const label = (load: LoadShape): string => (load.kind === 'closed' ? `concurrency ${load.concurrency}` : `rate ${load.rate}/s`);

interface RunContext {
  readonly config: BenchConfig;
  readonly system: RunningSystem;
  readonly locate: () => LocatedProcesses;
  /** What the idle system sends to PostgreSQL (unknown: undefined): after a run, the count is settled once it grows no faster. */
  readonly idleStatementsPerSecond: number | undefined;
  readonly client: HttpClient;
  readonly customers: readonly BenchCustomer[];
  readonly menu: readonly MenuItem[];
  readonly usePgbench: boolean;
  readonly log: (line: string) => void;
}

const unmeasured = (sagas: number, reason: string): RunResources => ({
  sagas,
  windowSeconds: 0,
  settleMs: 0,
  sqlRoundTripsPerSaga: null,
  sqlRoundTrips: { total: null, byService: {}, netOfIdlePerSaga: null, reason },
  cpuMsPerSaga: null,
  cpu: { totalMs: null, byGroup: {}, missing: {}, bench: { total: 0, perSaga: null }, ownProcesses: { total: 0, perSaga: null }, reason },
});

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const runOneLoad = async (
  context: RunContext,
  load: LoadShape,
  purpose: RunReport['purpose'] = 'requested',
): Promise<{ run: RunReport; records: CheckoutRecord[] }> => {
  const { config, system, client, customers, menu, log } = context;
  const counters: LoadCounters = { sent: 0, accepted: 0, terminal: 0, inFlight: 0, errors: 0 };
  log(
    `checkouts at ${label(load)} for ${config.durationMs / 1000} s (latency via ${config.latencyMethod === 'wait' ? '?wait' : 'polling'})`,
  );
  const before = await readSagaDurationTotals(client, system.orchestratorUrls);
  const located = context.locate();
  const usageBefore = await takeUsageSnapshot(client, system.metricsTargets(), located).catch((error: unknown) => messageOf(error));
  const progress = startProgressLine(`  ${label(load)}`, counters, config.durationMs);
  let result: LoadResult;
  try {
    result = await runCheckoutLoad({
      client,
      gatewayUrl: system.gatewayUrl,
      customers,
      menu,
      load,
      durationMs: config.durationMs,
      latencyMethod: config.latencyMethod,
      counters,
    });
  } finally {
    progress.stop();
  }
  const sagas = result.records.filter((record) => record.terminalAt !== undefined).length;
  // Before the yardstick, which runs on the same PostgreSQL server and must not count as the system's work.
  const resources =
    typeof usageBefore === 'string'
      ? unmeasured(sagas, `could not read the processes before the run: ${usageBefore}`)
      : await takeSettledSnapshot(client, system.metricsTargets(), located, context.idleStatementsPerSecond ?? 0).then(
          ({ snapshot, settleMs }) => resourcesBetween(usageBefore, snapshot, settleMs, located, sagas, context.idleStatementsPerSecond),
          (error: unknown) => unmeasured(sagas, `could not read the processes after the run: ${messageOf(error)}`),
        );
  const serverSagaDuration = durationBetween(before, await readSagaDurationTotals(client, system.orchestratorUrls));
  const concurrency = load.kind === 'closed' ? load.concurrency : meanInFlight(result);
  log(`yardstick: one transaction per checkout at concurrency ${concurrency} (${context.usePgbench ? 'pgbench' : 'node-postgres'})`);
  const yardstick: YardstickResult | { error: string } = await runYardstick({
    serverUrl: system.postgresServerUrl,
    concurrency,
    seconds: config.durationMs / 1000,
    customers: customers.length,
    usePgbench: context.usePgbench,
  }).catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }));
  const run = buildRunReport(load, purpose, result, yardstick, serverSagaDuration, resources);
  log(
    `  ${label(load)}: ${run.completedSagasPerSecond} sagas/s, p99 ${run.sagaLatencyMs.p99} ms, ${resources.sqlRoundTripsPerSaga ?? '-'} round trips and ${resources.cpuMsPerSaga ?? '-'} CPU ms per saga; yardstick ${'error' in yardstick ? 'failed' : `${yardstick.transactionsPerSecond} tx/s`}`,
  );
  return { run, records: result.records };
};

/** Long enough to see every poller's interval a few times, short enough not to matter. */
const IDLE_WINDOW_MS = 2000;

const measureIdleActivity = async (
  client: HttpClient,
  system: RunningSystem,
  located: LocatedProcesses,
): Promise<IdleActivity | { error: string }> => {
  try {
    const before = await takeUsageSnapshot(client, system.metricsTargets(), located);
    await new Promise((resolve) => setTimeout(resolve, IDLE_WINDOW_MS));
    return idleActivityBetween(before, await takeUsageSnapshot(client, system.metricsTargets(), located), located);
  } catch (error) {
    return { error: messageOf(error) };
  }
};

const runPreload = async (
  config: BenchConfig,
  system: RunningSystem,
  menu: readonly MenuItem[],
  log: (line: string) => void,
): Promise<PreloadResult> => {
  log(`preloading ${config.preload} finished checkout sagas into the orchestrator's database`);
  const result = await preloadSagas({
    databaseUrl: system.orchestratorDatabaseUrl,
    sagas: config.preload,
    foodIds: menu.filter((item) => item.kind === 'food').map((item) => item.id),
    drinkIds: menu.filter((item) => item.kind === 'drink').map((item) => item.id),
  });
  log(`preloaded ${result.sagas} sagas in ${result.seconds} s (vacuum analyze ${result.vacuumAnalyzeSeconds} s)`);
  return result;
};

/** Copies the profiles next to the report (`<report>-profiles/`) and summarizes each. */
const collectProfiles = async (profileDir: string, outFile: string): Promise<ProfileSummary[]> => {
  const target = outFile.replace(/\.json$/, '') + '-profiles';
  await mkdir(target, { recursive: true });
  const summaries: ProfileSummary[] = [];
  for (const name of (await readdir(profileDir)).filter((file) => file.endsWith('.cpuprofile')).sort()) {
    const copy = path.join(target, name);
    await copyFile(path.join(profileDir, name), copy);
    summaries.push(await summarizeProfile(name.replace(/-\d+\.cpuprofile$/, ''), copy));
  }
  await removeProfileDir(profileDir);
  return summaries;
};

export const runBench = async (config: BenchConfig, log: (line: string) => void): Promise<BenchReport> => {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const system = await startSystem(config, log);
  const interrupted = (): void => {
    log('interrupted: stopping the system');
    void system.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  const widest = config.openLoopAfterSweep
    ? OPEN_LOOP_SOCKETS
    : Math.max(...config.loads.map((load) => (load.kind === 'closed' ? load.concurrency : OPEN_LOOP_SOCKETS)));
  const client = createHttpClient(widest + 16);
  let runs: RunReport[] = [];
  let gatewayOverhead: GatewayOverhead | { error: string };
  let invariants: BenchReport['invariants'];
  let restarts: Record<string, number>;
  let messageHops: HopSummary[] | undefined;
  let idleMemory: IdleMemory;
  let idleActivity: IdleActivity | { error: string };
  let preload: BenchReport['preload'] = null;
  let openLoopAtHalfPeak: BenchReport['openLoopAtHalfPeak'] = {
    skipped: config.loads.length < 2 ? 'not a sweep of 2 or more levels' : 'skipped (--no-open-loop)',
  };
  try {
    const locate = await createProcessLocator(system.layout);
    idleMemory = readIdleMemory(locate(), config.mode);
    log(`idle RSS after start: ${idleMemory.rssMiB ?? '-'} MB; measuring what the idle system does for ${IDLE_WINDOW_MS / 1000} s`);
    idleActivity = await measureIdleActivity(client, system, locate());
    const menu = await fetchMenu(client, system.gatewayUrl);
    const preloaded = config.preload > 0 ? await runPreload(config, system, menu, log) : undefined;
    log(`preparing ${config.customers} customers (register, log in, deposit)`);
    const customers = await prepareCustomers(client, system.gatewayUrl, config.customers);
    gatewayOverhead = await measureGatewayOverhead(
      client,
      { gateway: system.gatewayUrl, service: system.serviceUrls.order },
      overheadConcurrency(config.loads),
      Math.min(config.durationMs, MAX_OVERHEAD_MS),
      log,
    ).catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }));
    const idleStatementsPerSecond = 'error' in idleActivity ? undefined : (idleActivity.sqlStatementsPerSecond ?? undefined);
    const context: RunContext = {
      config,
      system,
      locate,
      idleStatementsPerSecond,
      client,
      customers,
      menu,
      usePgbench: await pgbenchAvailable(),
      log,
    };
    const records: CheckoutRecord[] = [];
    for (const load of config.loads) {
      const one = await runOneLoad(context, load);
      runs = [...runs, one.run];
      records.push(...one.records);
    }
    if (config.openLoopAfterSweep) {
      const peakSagasPerSecond = Math.max(...runs.map((run) => run.completedSagasPerSecond));
      const rate = Math.max(1, Math.round(peakSagasPerSecond / 2));
      log(`open loop at half the sweep's peak of ${peakSagasPerSecond} sagas/s`);
      const one = await runOneLoad(context, { kind: 'open', rate }, 'open-loop-at-half-peak');
      runs = [...runs, one.run];
      records.push(...one.records);
      openLoopAtHalfPeak = { peakSagasPerSecond, rate, p99Ms: one.run.sagaLatencyMs.p99 };
    }
    if (preloaded) {
      preload = { ...preloaded, sagaCountAtEnd: await countSagas(system.orchestratorDatabaseUrl).catch(() => null) };
    }
    log('checking the money invariants');
    invariants = await checkInvariantsThroughGateway(
      client,
      system.gatewayUrl,
      await adminToken(client, system.gatewayUrl, config.adminEmail, config.adminPassword),
      customers,
      records,
    );
    restarts = system.restarts();
    messageHops = await measureMessageHops(system.postgresServerUrl, system.databasePrefix).catch((error: unknown) => {
      log(`could not read the message hop times: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}\n${system.tail(40)}`);
  } finally {
    client.close();
    log('stopping the system');
    await system.stop();
    process.removeListener('SIGINT', interrupted);
  }
  const profiles = system.profileDir ? await collectProfiles(system.profileDir, config.outFile) : undefined;
  const closedRuns = runs.filter((run) => run.load.kind === 'closed').length;
  const everyRunWorked = runs.every((run) => run.sagas.terminal > 0 && run.sagas.notTerminal === 0 && !('error' in run.yardstick));
  return {
    version: 1,
    ok: invariants.ok && everyRunWorked && Object.keys(restarts).length === 0,
    startedAt,
    finishedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine,
    settings: {
      mode: config.mode,
      transport: system.transport,
      replicas: config.replicas,
      durationSeconds: config.durationMs / 1000,
      customers: config.customers,
      logLevel: config.logLevel,
      latencyMethod: config.latencyMethod,
      latencyMethodDescription: describeLatencyMethod(config.latencyMethod),
    },
    runs,
    idleMemory,
    idleActivity,
    preload,
    openLoopAtHalfPeak,
    plot: closedRuns > 0 ? { file: plotFileFor(config.outFile) } : { file: null, reason: 'no closed-loop run to plot' },
    gatewayOverhead,
    invariants,
    restarts,
    ...(messageHops ? { messageHops } : {}),
    ...(profiles ? { profiles } : {}),
  };
};
