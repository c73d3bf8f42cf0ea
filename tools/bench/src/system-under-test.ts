import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { EMBEDDED_POSTGRES_CREDENTIALS, dropDatabase, launcherStatePath, readLauncherState } from '@ordering/launcher';
import type { BenchConfig } from './bench-config.js';
import { pickPortBlock } from './free-ports.js';

/**
 * The whole system, started the way a user starts it (the launcher, `npm start`), on a throwaway DATA_DIR and free
 * ports; in production mode on the given PostgreSQL and RabbitMQ with a unique database prefix, dropped afterwards.
 */

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LAUNCHER_ARGS = ['--conditions=development', '--import', 'tsx', 'tools/launcher/src/main.ts'];
/** Run by the launcher instead of each service's main.ts when profiling (its documented test hook). */
const PROFILED_ENTRY = 'tools/bench/src/profiled-service.ts';
const READY_LINE = /^ready: (http:\/\/127\.0\.0\.1:\d+)$/;
const SERVICE_NAMES = ['customer', 'order', 'account', 'orchestrator'] as const;
const KEPT_LINES = 400;
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 40_000;

/** Variables of the caller's shell that would change what the launcher starts; the bench sets its own. */
const SCRUBBED = ['DATA_DIR', 'POSTGRES_URL', 'DB_PREFIX', 'BROKER_URL', 'REPLICAS', 'LOG_LEVEL', 'RATE_LIMIT_MAX', 'RATE_LIMIT_WINDOW_SECONDS', 'LAUNCHER_SERVICE_ENTRY', 'NODE_OPTIONS'];

export interface RunningSystem {
  readonly gatewayUrl: string;
  /** Replica 0 of each service, for direct calls. */
  readonly serviceUrls: Readonly<Record<(typeof SERVICE_NAMES)[number], string>>;
  /** Every replica of the orchestrator, whose metrics together count every saga. */
  readonly orchestratorUrls: readonly string[];
  /** A URL of the PostgreSQL server the services use (database `postgres`), for the yardstick's scratch database. */
  readonly postgresServerUrl: string;
  readonly transport: 'http' | 'rabbitmq';
  /** Prepended to each service's database name ('' in embedded mode). */
  readonly databasePrefix: string;
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
  const ports = await pickPortBlock(config.replicas);
  const prefix = config.mode === 'production' ? `bench_${randomBytes(4).toString('hex')}_` : undefined;
  const profileDir = config.profile ? path.join(dataDir, 'profiles') : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true, mode: 0o777 });

  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !SCRUBBED.includes(name)) env[name] = value;
  Object.assign(env, {
    DATA_DIR: path.join(dataDir, 'data'),
    GATEWAY_PORT: String(ports.gateway),
    CUSTOMER_PORT: String(ports.customer),
    ORDER_PORT: String(ports.order),
    ACCOUNT_PORT: String(ports.account),
    ORCHESTRATOR_PORT: String(ports.orchestrator),
    PGPORT_EMBEDDED: String(ports.postgres),
    REPLICAS: String(config.replicas),
    LOG_LEVEL: config.logLevel,
    RATE_LIMIT_MAX: BENCH_RATE_LIMIT,
    // Plain JSON lines: the launcher then only prefixes them, instead of pretty-printing every request log under load.
    LAUNCHER_LOG_FORMAT: 'json',
    NO_COLOR: '1',
    ...(prefix ? { POSTGRES_URL: config.postgresUrl, DB_PREFIX: prefix, BROKER_URL: config.brokerUrl } : {}),
    // The launcher passes TMPDIR through to every service: the profiled entry writes its profile there.
    ...(profileDir ? { LAUNCHER_SERVICE_ENTRY: PROFILED_ENTRY, TMPDIR: profileDir } : {}),
  });

  log(`starting the system (${config.mode}, ${config.replicas} replica(s) per service) on ports ${ports.gateway}-${ports.postgres}`);
  const child: ChildProcess = spawn(process.execPath, LAUNCHER_ARGS, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let announceReady: (url: string) => void = () => undefined;
  const ready = new Promise<string>((resolve) => (announceReady = resolve));
  const keep = (line: string): void => {
    lines.push(line);
    if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
    const match = READY_LINE.exec(line);
    if (match?.[1]) announceReady(match[1]);
  };
  if (child.stdout) createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', keep);
  if (child.stderr) createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      keep(`bench: could not spawn the launcher: ${error.message}`);
      resolve({ code: null, signal: null });
    });
  });
  // Ctrl-C or a crash of the bench still shuts the launcher's process tree down in order.
  const killOnExit = (): void => void child.kill('SIGTERM');
  process.once('exit', killOnExit);

  const tail = (count = 60): string => `--- last ${Math.min(count, lines.length)} launcher lines ---\n${lines.slice(-count).join('\n')}`;
  const postgresServerUrl = serverUrlFor(config, ports.postgres);
  const cleanUp = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (prefix) {
      for (const service of SERVICE_NAMES) await dropDatabase(postgresServerUrl, `${prefix}${service}`).catch(() => undefined);
    }
    // With --profile the directory stays until the caller has copied the profiles next to the report (removeProfileDir).
    await rm(path.join(dataDir, 'data'), { recursive: true, force: true });
    if (!profileDir) await rm(dataDir, { recursive: true, force: true });
  };

  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then((url) => ({ kind: 'ready' as const, url })),
    exited.then((exit) => ({ kind: 'exited' as const, exit })),
    new Promise<{ kind: 'timeout' }>((resolve) => (timer = setTimeout(resolve, READY_TIMEOUT_MS, { kind: 'timeout' as const }))),
  ]);
  clearTimeout(timer);
  if (outcome.kind !== 'ready') {
    child.kill('SIGTERM');
    await exited;
    const output = tail(80);
    await cleanUp();
    throw new Error(`the system did not start: the launcher ${outcome.kind === 'timeout' ? `printed no "ready:" line within ${READY_TIMEOUT_MS / 1000} s` : `exited first (${JSON.stringify(outcome.exit)})`}\n${output}`);
  }

  const stateFile = launcherStatePath(env.DATA_DIR ?? '');
  const state = readLauncherState(stateFile);
  if (!state) throw new Error(`no launcher state file at ${stateFile}`);
  const urlOf = (name: string): string => {
    const url = state.processes.find((entry) => entry.name === name)?.url;
    if (!url) throw new Error(`the launcher state names no URL for ${name}`);
    return url;
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let stopTimer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([exited, new Promise<'timeout'>((resolve) => (stopTimer = setTimeout(resolve, STOP_TIMEOUT_MS, 'timeout')))]);
      clearTimeout(stopTimer);
      if (exit === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
      await cleanUp();
    })();
    return stopping;
  };

  return {
    gatewayUrl: outcome.url,
    serviceUrls: Object.fromEntries(SERVICE_NAMES.map((name) => [name, urlOf(name)])) as RunningSystem['serviceUrls'],
    orchestratorUrls: state.processes.filter((entry) => /^orchestrator(#\d+)?$/.test(entry.name) && entry.url).map((entry) => entry.url as string),
    postgresServerUrl,
    transport: prefix ? 'rabbitmq' : 'http',
    databasePrefix: prefix ?? '',
    profileDir,
    tail,
    restarts: () => Object.fromEntries((readLauncherState(stateFile)?.processes ?? []).filter((entry) => entry.restarts > 0).map((entry) => [entry.name, entry.restarts])),
    stop,
  };
};

/** Removes the throwaway directory that held the profiles, once they are copied next to the report. */
export const removeProfileDir = async (profileDir: string): Promise<void> => {
  await rm(path.dirname(profileDir), { recursive: true, force: true });
};
