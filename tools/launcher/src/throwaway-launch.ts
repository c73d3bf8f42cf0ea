import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BACKEND_SERVICES } from '@ordering/contracts';
import { dropDatabase } from '@ordering/embedded-database';
import { pickFreePortBlock, toPortEnv, type PortPlan } from './free-ports.js';
import { omitVariables, spawnLauncher, type LauncherChild, type LauncherStop } from './launcher-child.js';
import { launcherStatePath, readLauncherState, type LauncherState } from './launcher-state.js';

/**
 * A whole system for one run of the e2e suite or the bench: the launcher on a throwaway directory and free ports,
 * optionally on an external PostgreSQL under a database prefix of its own; stop() removes all of it again.
 */

/** Variables of the caller's shell that would change where and how the launcher places the system. */
const PLACEMENT_VARIABLES = [
  'DATA_DIR',
  'POSTGRES_URL',
  'DB_PREFIX',
  'BROKER_URL',
  'BROKER_NAMESPACE',
  'OPERATOR_TOKEN',
  'SIGNING_KEY_ENCRYPTION_KEY',
  'REPLICAS',
  'LOG_LEVEL',
  'RATE_LIMIT_MAX',
  'RATE_LIMIT_WINDOW_SECONDS',
  'LAUNCHER_SERVICE_ENTRY',
];

/** Where the system lives: `root` is the throwaway directory, `dataDir` the launcher's DATA_DIR inside it (or it). */
export interface ThrowawayPlace {
  readonly root: string;
  readonly dataDir: string;
  readonly ports: PortPlan;
}

export interface ThrowawayLaunchOptions {
  /** The caller's environment, inherited minus the placement variables and `alsoScrubbed`. */
  readonly inheritedEnv: NodeJS.ProcessEnv;
  /** More inherited variables to drop, beyond the ones that place the system. */
  readonly alsoScrubbed?: readonly string[];
  /** The throwaway directory's name prefix, e.g. `ordering-e2e-`. */
  readonly directoryPrefix: string;
  /** DATA_DIR as a subdirectory of the throwaway directory (which then may hold more); default: the directory itself. */
  readonly dataSubdirectory?: string;
  /** Keep the throwaway directory (only DATA_DIR goes) on stop, e.g. for profiles the caller copies afterwards. */
  readonly keepRoot?: boolean;
  readonly replicas: number;
  /**
   * An external PostgreSQL server (POSTGRES_URL) and the prefix of this system's databases there, dropped on stop
   * through `adminUrl` (default: `serverUrl`).
   */
  readonly externalPostgres?: { readonly serverUrl: string; readonly prefix: string; readonly adminUrl?: string };
  /** The caller's own settings, applied last; may prepare the place (e.g. create a directory in it). */
  readonly settings: (place: ThrowawayPlace) => Record<string, string> | Promise<Record<string, string>>;
  /** Removes what the caller created elsewhere for this system (a broker virtual host), after the launcher is gone. */
  readonly cleanUp?: () => Promise<void>;
  readonly keptLines: number;
  readonly readyTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly failureTailLines: number;
  /** The launcher's own arguments, as after `npm start --`. */
  readonly launcherArgs?: readonly string[];
}

export interface ThrowawaySystem extends ThrowawayPlace {
  readonly launcher: LauncherChild;
  readonly stateFile: string;
  /** The state file as it is now, or undefined when it is missing. */
  readState(): LauncherState | undefined;
  /** Stops the launcher (SIGTERM, then SIGKILL after stopTimeoutMs) and removes everything; runs once. */
  stop(): Promise<LauncherStop>;
}

const dropDatabasesOf = async (postgres: ThrowawayLaunchOptions['externalPostgres']): Promise<void> => {
  if (!postgres) return;
  for (const service of BACKEND_SERVICES)
    await dropDatabase(postgres.adminUrl ?? postgres.serverUrl, `${postgres.prefix}${service}`).catch(() => undefined);
};

const makeThrowawayDirectory = async (prefix: string): Promise<string> => {
  const root = await mkdtemp(path.join(os.tmpdir(), prefix));
  // PostgreSQL runs as the `postgres` user and must be able to enter its data directory's parents.
  await chmod(root, 0o755);
  return root;
};

const launcherEnvironment = async (options: ThrowawayLaunchOptions, place: ThrowawayPlace): Promise<Record<string, string>> => ({
  ...omitVariables(options.inheritedEnv, [...PLACEMENT_VARIABLES, ...(options.alsoScrubbed ?? [])]),
  DATA_DIR: place.dataDir,
  ...toPortEnv(place.ports),
  REPLICAS: String(options.replicas),
  // Plain JSON lines: the launcher then only prefixes them, and a reader can parse each one.
  LAUNCHER_LOG_FORMAT: 'json',
  NO_COLOR: '1',
  ...(options.externalPostgres ? { POSTGRES_URL: options.externalPostgres.serverUrl, DB_PREFIX: options.externalPostgres.prefix } : {}),
  ...(await options.settings(place)),
});

export const launchThrowawaySystem = async (options: ThrowawayLaunchOptions): Promise<ThrowawaySystem> => {
  const root = await makeThrowawayDirectory(options.directoryPrefix);
  const dataDir = options.dataSubdirectory ? path.join(root, options.dataSubdirectory) : root;
  const removeAll = async (): Promise<void> => {
    await dropDatabasesOf(options.externalPostgres);
    await options.cleanUp?.();
    await rm(dataDir, { recursive: true, force: true });
    if (!options.keepRoot) await rm(root, { recursive: true, force: true });
  };

  const place: ThrowawayPlace = { root, dataDir, ports: await pickFreePortBlock(options.replicas) };
  const launcher = await launcherEnvironment(options, place)
    .then((env) =>
      spawnLauncher({
        env,
        keptLines: options.keptLines,
        readyTimeoutMs: options.readyTimeoutMs,
        stopTimeoutMs: options.stopTimeoutMs,
        failureTailLines: options.failureTailLines,
        ...(options.launcherArgs ? { launcherArgs: options.launcherArgs } : {}),
      }),
    )
    .catch(async (error: unknown) => {
      await removeAll();
      throw error;
    });

  const stateFile = launcherStatePath(dataDir);
  let stopping: Promise<LauncherStop> | undefined;
  return {
    ...place,
    launcher,
    stateFile,
    readState: () => readLauncherState(stateFile),
    stop: () => {
      stopping ??= launcher.stop(options.stopTimeoutMs).then(async (outcome) => {
        await removeAll();
        return outcome;
      });
      return stopping;
    },
  };
};
