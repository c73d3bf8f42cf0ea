import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `DATA_DIR/launcher-state.json`: what runs where, for tests and humans (`kill -9` a pid from it and watch the launcher
 * bring the process back). Rewritten on every start, exit and restart; deleted on a clean shutdown, so a file whose
 * launcherPid is dead was left by a launcher that was killed.
 */
export interface LauncherState {
  readonly launcherPid: number;
  readonly status: 'starting' | 'ready' | 'stopping';
  readonly gatewayUrl: string;
  /** The gateway's `/metrics` listener, e.g. `http://127.0.0.1:9090` (its public port answers 404 there). */
  readonly gatewayMetricsUrl: string;
  /** Prometheus's UI and API with `--observe`, e.g. `http://127.0.0.1:9095`; null without it or when it is not installed. */
  readonly prometheusUrl: string | null;
  readonly updatedAt: string;
  readonly processes: readonly ProcessState[];
}

export interface ProcessState {
  /** `postgres`, `customer`, `customer#1`, …, `gateway`, `prometheus`. */
  readonly name: string;
  /** Null while the process is down between restarts. */
  readonly pid: number | null;
  readonly port: number;
  /** Base URL of an HTTP service or Prometheus; null for postgres. */
  readonly url: string | null;
  readonly restarts: number;
  /** What the process runs; lets a later launcher check that a pid from a stale file still is that program. */
  readonly command: string;
}

export const launcherStatePath = (dataDir: string): string => path.join(dataDir, 'launcher-state.json');

/** Write-then-rename, so a reader never sees half a file. */
export const writeLauncherState = (file: string, state: LauncherState): void => {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, file);
};

export const readLauncherState = (file: string): LauncherState | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LauncherState;
  } catch {
    return undefined;
  }
};

export const removeLauncherState = (file: string): void => rmSync(file, { force: true });
