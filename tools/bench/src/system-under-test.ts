import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { BACKEND_SERVICES, type BackendService } from '@ordering/contracts';
import path from 'node:path';
import { databaseUrl, EMBEDDED_POSTGRES_CREDENTIALS } from '@ordering/embedded-database';
import { launchThrowawaySystem, readLauncherState } from '@ordering/launcher';
import type { BenchConfig } from './bench-config.js';
import { deleteBrokerNamespace } from './broker-namespace.js';
import type { MetricsTarget } from './resource-usage.js';
import type { SystemLayout } from './system-processes.js';

/**
 * The whole system, started the way a user starts it (the launcher, `npm start`), on a throwaway DATA_DIR and free
 * ports; in production mode on the given PostgreSQL and RabbitMQ with a unique database prefix, dropped afterwards.
 */

/** Run by the launcher instead of each service's main.ts when profiling (its documented test hook). */
const PROFILED_ENTRY = 'tools/bench/src/profiled-service.ts';
const KEPT_LINES = 400;
const FAILURE_TAIL_LINES = 80;
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 40_000;

export interface RunningSystem {
  readonly gatewayUrl: string;
  /** Replica 0 of each service, for direct calls. */
  readonly serviceUrls: Readonly<Record<BackendService, string>>;
  /** Every replica of the orchestrator, whose metrics together count every saga. */
  readonly orchestratorUrls: readonly string[];
  /** A URL of the PostgreSQL server the services use (database `postgres`), for the yardstick's scratch database. */
  readonly postgresServerUrl: string;
  readonly transport: 'http' | 'rabbitmq';
  /** Prepended to each service's database name ('' in embedded mode). */
  readonly databasePrefix: string;
  /** A URL of the orchestrator's own database, for the preload. */
  readonly orchestratorDatabaseUrl: string;
  /** Its processes, for CPU and memory from /proc. */
  readonly layout: SystemLayout;
  /** Every process's `/metrics` (each service replica, and the gateway's metrics listener), read from the launcher state now. */
  metricsTargets(): MetricsTarget[];
  /** Where the profiled services write their `.cpuprofile` files (only with --profile). */
  readonly profileDir: string | undefined;
  /** The launcher's last lines, for error messages. */
  tail(count?: number): string;
  /** Restarts of any process since start (a crash under load must not go unnoticed in the report). */
  restarts(): Record<string, number>;
  stop(): Promise<void>;
}

const serverUrlFor = (config: BenchConfig, postgresPort: number): string => {
  if (config.mode === 'production') {
    const url = new URL(config.postgresUrl);
    url.pathname = '/postgres';
    return url.toString();
  }
  const { user, password } = EMBEDDED_POSTGRES_CREDENTIALS;
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${postgresPort}/postgres`;
};

/** Without a throttle for the bench's few customers: the limiter still runs on every request, it just never says 429. */
const BENCH_RATE_LIMIT = '100000000';

/** The bench's own settings, on top of the place the throwaway launch gives the system. */
const benchSettings = (config: BenchConfig, runId: string, profileDir: string | undefined): Record<string, string> => ({
  LOG_LEVEL: config.logLevel,
  RATE_LIMIT_MAX: BENCH_RATE_LIMIT,
  ADMIN_EMAIL: config.adminEmail,
  ADMIN_PASSWORD: config.adminPassword,
  // The bench measures sagas, not registrations: its customers are set up with cheap password hashes.
  PASSWORD_HASH_COST_LOG2: '12',
  ...(config.mode === 'production' ? { BROKER_URL: config.brokerUrl, BROKER_NAMESPACE: runId } : {}),
  // The launcher passes TMPDIR through to every service: the profiled entry writes its profile there.
  ...(profileDir ? { LAUNCHER_SERVICE_ENTRY: PROFILED_ENTRY, TMPDIR: profileDir } : {}),
});

export const startSystem = async (config: BenchConfig, log: (line: string) => void): Promise<RunningSystem> => {
  // A database prefix and a broker namespace of its own: a bench never reads or consumes a running system's data.
  const runId = `bench_${randomBytes(4).toString('hex')}`;
  const prefix = config.mode === 'production' ? `${runId}_` : undefined;
  // Its databases are dropped through the server's `postgres` database, whatever database POSTGRES_URL names.
  const externalPostgres = prefix ? { serverUrl: config.postgresUrl, prefix, adminUrl: serverUrlFor(config, 0) } : undefined;
  let profileDir: string | undefined;
  let postgresServerUrl = '';

  const throwaway = await launchThrowawaySystem({
    inheritedEnv: process.env,
    alsoScrubbed: ['NODE_OPTIONS'],
    directoryPrefix: 'ordering-bench-',
    dataSubdirectory: 'data',
    // With --profile the directory stays until the caller has copied the profiles next to the report (removeProfileDir).
    keepRoot: config.profile,
    replicas: config.replicas,
    ...(externalPostgres ? { externalPostgres } : {}),
    settings: async ({ root, ports }) => {
      profileDir = config.profile ? path.join(root, 'profiles') : undefined;
      if (profileDir) await mkdir(profileDir, { recursive: true, mode: 0o777 });
      postgresServerUrl = serverUrlFor(config, ports.postgres);
      log(`starting the system (${config.mode}, ${config.replicas} replica(s) per service) on ports ${ports.gateway}-${ports.postgres}`);
      return benchSettings(config, runId, profileDir);
    },
    cleanUp: async () => {
      if (prefix) {
        await deleteBrokerNamespace(config.brokerUrl, runId).catch((error: unknown) =>
          log(`could not delete the broker namespace ${runId}: ${String(error)}`),
        );
      }
    },
    keptLines: KEPT_LINES,
    readyTimeoutMs: READY_TIMEOUT_MS,
    stopTimeoutMs: STOP_TIMEOUT_MS,
    failureTailLines: FAILURE_TAIL_LINES,
  }).catch((error: unknown) => {
    throw new Error(`the system did not start: ${error instanceof Error ? error.message : String(error)}`);
  });
  const { launcher, stateFile } = throwaway;
  const launcherDataDir = throwaway.dataDir;

  const state = throwaway.readState();
  if (!state) throw new Error(`no launcher state file at ${stateFile}`);
  const urlOf = (name: string): string => {
    const url = state.processes.find((entry) => entry.name === name)?.url;
    if (!url) throw new Error(`the launcher state names no URL for ${name}`);
    return url;
  };

  // Lenient, unlike the e2e harness: the measurements are taken by now; how the launcher exited changes none of them.
  const stop = async (): Promise<void> => {
    await throwaway.stop();
  };

  const metricsTargets = (): MetricsTarget[] => {
    const current = readLauncherState(stateFile) ?? state;
    const services = current.processes.flatMap((entry) =>
      entry.url && entry.name !== 'gateway' ? [{ process: entry.name, url: entry.url }] : [],
    );
    return [...services, { process: 'gateway', url: current.gatewayMetricsUrl }];
  };

  return {
    gatewayUrl: launcher.gatewayUrl,
    serviceUrls: Object.fromEntries(BACKEND_SERVICES.map((name) => [name, urlOf(name)])) as RunningSystem['serviceUrls'],
    orchestratorUrls: state.processes
      .filter((entry) => /^orchestrator(#\d+)?$/.test(entry.name) && entry.url)
      .map((entry) => entry.url as string),
    postgresServerUrl,
    transport: prefix ? 'rabbitmq' : 'http',
    databasePrefix: prefix ?? '',
    orchestratorDatabaseUrl: databaseUrl(postgresServerUrl, `${prefix ?? ''}orchestrator`),
    layout: {
      mode: config.mode,
      launcherPid: state.launcherPid,
      processes: () => (readLauncherState(stateFile) ?? state).processes,
      postgresDataDir: prefix ? undefined : path.join(launcherDataDir, 'postgres'),
      postgresServerUrl,
      brokerUrl: prefix ? config.brokerUrl : undefined,
    },
    metricsTargets,
    profileDir,
    tail: (count = 60) => launcher.tail(count),
    restarts: () =>
      Object.fromEntries(
        (readLauncherState(stateFile)?.processes ?? []).filter((entry) => entry.restarts > 0).map((entry) => [entry.name, entry.restarts]),
      ),
    stop,
  };
};

/** Removes the throwaway directory that held the profiles, once they are copied next to the report. */
export const removeProfileDir = async (profileDir: string): Promise<void> => {
  await rm(path.dirname(profileDir), { recursive: true, force: true });
};
