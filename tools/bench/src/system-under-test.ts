import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { BACKEND_SERVICES, type BackendService } from '@ordering/contracts';
import path from 'node:path';
import { databaseUrl, dropDatabase, EMBEDDED_POSTGRES_CREDENTIALS } from '@ordering/embedded-database';
import {
  launcherStatePath,
  omitVariables,
  pickFreePortBlock,
  readLauncherState,
  spawnLauncher,
  toPortEnv,
} from '@ordering/launcher';
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

/** Variables of the caller's shell that would change what the launcher starts; the bench sets its own. */
const SCRUBBED = ['DATA_DIR', 'POSTGRES_URL', 'DB_PREFIX', 'BROKER_URL', 'BROKER_NAMESPACE', 'OPERATOR_TOKEN', 'SIGNING_KEY_ENCRYPTION_KEY', 'REPLICAS', 'LOG_LEVEL', 'RATE_LIMIT_MAX', 'RATE_LIMIT_WINDOW_SECONDS', 'LAUNCHER_SERVICE_ENTRY', 'NODE_OPTIONS'];

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

export const startSystem = async (config: BenchConfig, log: (line: string) => void): Promise<RunningSystem> => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ordering-bench-'));
  // PostgreSQL runs as the `postgres` user and must be able to enter its data directory's parents.
  await chmod(dataDir, 0o755);
  const ports = await pickFreePortBlock(config.replicas);
  // A database prefix and a broker namespace of its own: a bench never reads or consumes a running system's data.
  const runId = `bench_${randomBytes(4).toString('hex')}`;
  const prefix = config.mode === 'production' ? `${runId}_` : undefined;
  const profileDir = config.profile ? path.join(dataDir, 'profiles') : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true, mode: 0o777 });

  const launcherDataDir = path.join(dataDir, 'data');
  const env: Record<string, string> = {
    ...omitVariables(process.env, SCRUBBED),
    DATA_DIR: launcherDataDir,
    ...toPortEnv(ports),
    REPLICAS: String(config.replicas),
    LOG_LEVEL: config.logLevel,
    RATE_LIMIT_MAX: BENCH_RATE_LIMIT,
    ADMIN_EMAIL: config.adminEmail,
    ADMIN_PASSWORD: config.adminPassword,
    // The bench measures sagas, not registrations: its customers are set up with cheap password hashes.
    PASSWORD_HASH_COST_LOG2: '12',
    // Plain JSON lines: the launcher then only prefixes them, instead of pretty-printing every request log under load.
    LAUNCHER_LOG_FORMAT: 'json',
    NO_COLOR: '1',
    ...(prefix ? { POSTGRES_URL: config.postgresUrl, DB_PREFIX: prefix, BROKER_URL: config.brokerUrl, BROKER_NAMESPACE: runId } : {}),
    // The launcher passes TMPDIR through to every service: the profiled entry writes its profile there.
    ...(profileDir ? { LAUNCHER_SERVICE_ENTRY: PROFILED_ENTRY, TMPDIR: profileDir } : {}),
  };

  log(`starting the system (${config.mode}, ${config.replicas} replica(s) per service) on ports ${ports.gateway}-${ports.postgres}`);
  const postgresServerUrl = serverUrlFor(config, ports.postgres);
  const cleanUp = async (): Promise<void> => {
    if (prefix) {
      for (const service of BACKEND_SERVICES) await dropDatabase(postgresServerUrl, `${prefix}${service}`).catch(() => undefined);
      await deleteBrokerNamespace(config.brokerUrl, runId).catch((error: unknown) => log(`could not delete the broker namespace ${runId}: ${String(error)}`));
    }
    // With --profile the directory stays until the caller has copied the profiles next to the report (removeProfileDir).
    await rm(launcherDataDir, { recursive: true, force: true });
    if (!profileDir) await rm(dataDir, { recursive: true, force: true });
  };

  const launcher = await spawnLauncher({
    env,
    keptLines: KEPT_LINES,
    readyTimeoutMs: READY_TIMEOUT_MS,
    stopTimeoutMs: STOP_TIMEOUT_MS,
    failureTailLines: FAILURE_TAIL_LINES,
  }).catch(async (error: unknown) => {
    await cleanUp();
    throw new Error(`the system did not start: ${error instanceof Error ? error.message : String(error)}`);
  });

  const stateFile = launcherStatePath(launcherDataDir);
  const state = readLauncherState(stateFile);
  if (!state) throw new Error(`no launcher state file at ${stateFile}`);
  const urlOf = (name: string): string => {
    const url = state.processes.find((entry) => entry.name === name)?.url;
    if (!url) throw new Error(`the launcher state names no URL for ${name}`);
    return url;
  };

  let stopping: Promise<void> | undefined;
  // Lenient, unlike the e2e harness: the measurements are taken by now; how the launcher exited changes none of them.
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await launcher.stop(STOP_TIMEOUT_MS);
      await cleanUp();
    })();
    return stopping;
  };

  const metricsTargets = (): MetricsTarget[] => {
    const current = readLauncherState(stateFile) ?? state;
    const services = current.processes.flatMap((entry) => (entry.url && entry.name !== 'gateway' ? [{ process: entry.name, url: entry.url }] : []));
    return [...services, { process: 'gateway', url: current.gatewayMetricsUrl }];
  };

  return {
    gatewayUrl: launcher.gatewayUrl,
    serviceUrls: Object.fromEntries(BACKEND_SERVICES.map((name) => [name, urlOf(name)])) as RunningSystem['serviceUrls'],
    orchestratorUrls: state.processes.filter((entry) => /^orchestrator(#\d+)?$/.test(entry.name) && entry.url).map((entry) => entry.url as string),
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
    restarts: () => Object.fromEntries((readLauncherState(stateFile)?.processes ?? []).filter((entry) => entry.restarts > 0).map((entry) => [entry.name, entry.restarts])),
    stop,
  };
};

/** Removes the throwaway directory that held the profiles, once they are copied next to the report. */
export const removeProfileDir = async (profileDir: string): Promise<void> => {
  await rm(path.dirname(profileDir), { recursive: true, force: true });
};
