import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { spawnChildProcess } from './child-process.js';
import type { LinePrinter } from './log-prefixer.js';
import type { RunningProcess } from './process-supervisor.js';
import type { PrometheusFiles } from './prometheus-config.js';

/** The one line `--observe` prints when there is no Prometheus to run. */
export const PROMETHEUS_INSTALL_HINT = 'apt-get install prometheus';

const isExecutable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** `PROMETHEUS_BIN` when given (undefined unless it is executable), else the first `prometheus` on PATH. */
export const locatePrometheus = (configured: string | undefined, searchPath: string | undefined): string | undefined => {
  if (configured !== undefined) return isExecutable(configured) ? configured : undefined;
  return (searchPath ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => path.join(dir, 'prometheus'))
    .find(isExecutable);
};

export interface PrometheusLaunch {
  readonly binary: string;
  readonly files: PrometheusFiles;
  readonly port: number;
  /** PATH, HOME, locale: what it needs from the launcher's environment, nothing of the services' secrets. */
  readonly env: Readonly<Record<string, string>>;
  readonly print: LinePrinter;
}

export const prometheusArgs = (launch: Pick<PrometheusLaunch, 'files' | 'port'>): string[] => [
  `--config.file=${launch.files.configFile}`,
  `--storage.tsdb.path=${launch.files.storageDir}`,
  // Loopback only, like every service: the API answers anyone who reaches it.
  `--web.listen-address=127.0.0.1:${launch.port}`,
];

/** The state file's `command`, which a later launcher matches against /proc before stopping an orphan. */
export const prometheusCommand = (launch: Pick<PrometheusLaunch, 'binary' | 'files'>): string =>
  `${launch.binary} --config.file=${launch.files.configFile}`;

export const spawnPrometheus = (launch: PrometheusLaunch): Promise<RunningProcess> =>
  spawnChildProcess({
    name: 'prometheus',
    command: launch.binary,
    args: prometheusArgs(launch),
    cwd: launch.files.directory,
    env: launch.env,
    print: launch.print,
    // It flushes its head block on SIGTERM; a few seconds are plenty for a local run's data.
    stopGraceMs: 10_000,
  });
