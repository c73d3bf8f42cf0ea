import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { forEachLine } from '@ordering/embedded-database';

/**
 * The launcher as a child process, started the way a user starts it (`npm start`), for the e2e suite and the bench:
 * they watch a whole system from outside, through its output, its `ready:` line and its exit.
 */

export interface LauncherExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface LauncherStop {
  readonly exit: LauncherExit;
  /** It had exited on its own before stop() was called, so no signal was sent. */
  readonly alreadyExited: boolean;
  /** It did not exit within the timeout after SIGTERM and got SIGKILL. */
  readonly killed: boolean;
}

export interface SpawnLauncherOptions {
  /** The launcher's whole environment: nothing of this process's is added (see omitVariables). */
  readonly env: Readonly<Record<string, string>>;
  /** How many of the last output lines to keep. */
  readonly keptLines: number;
  /** How long to wait for the `ready:` line. */
  readonly readyTimeoutMs: number;
  /** How long the launcher may drain after SIGTERM before SIGKILL, when a start fails and as stop()'s default. */
  readonly stopTimeoutMs: number;
  /** How many output lines a failed start's error carries. Default 150. */
  readonly failureTailLines?: number;
  /** Test hook: node's arguments instead of the launcher's, e.g. a stand-in script. */
  readonly args?: readonly string[];
  /** The launcher's own arguments, as after `npm start --`, e.g. `['--observe']`. */
  readonly launcherArgs?: readonly string[];
}

export interface LauncherChild {
  readonly gatewayUrl: string;
  /** Resolves once the process has exited; code and signal are both null when it could not be spawned. */
  readonly exited: Promise<LauncherExit>;
  hasExited(): boolean;
  /** A copy of the kept lines of stdout and stderr, in the order they came. */
  lines(): string[];
  /** The last `count` lines under a header, for failure messages. */
  tail(count: number): string;
  /** SIGTERM, then SIGKILL if it has not exited within `timeoutMs` (default: the stopTimeoutMs option). Runs once. */
  stop(timeoutMs?: number): Promise<LauncherStop>;
}

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The same flags and entry as `npm start`. */
const LAUNCHER_ARGS = ['--conditions=development', '--import', 'tsx', 'tools/launcher/src/main.ts'];
/** The banner's last line (banner.ts), printed once every process answers /readyz. */
const READY_LINE = /^ready: (http:\/\/127\.0\.0\.1:\d+)$/;
const DEFAULT_FAILURE_TAIL_LINES = 150;
/** 'exit' can come before the pipes have delivered the last lines, which are the ones a failure message needs most. */
const OUTPUT_DRAIN_MS = 1_000;

/** `env` without the named variables and without unset ones: what a child inherits when the caller sets those itself. */
export const omitVariables = (env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> => {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && !names.includes(name)) kept[name] = value;
  return kept;
};

/** Resolves with what `promise` resolves with, or with 'timeout' after `timeoutMs`. */
const raceTimeout = async <T>(promise: Promise<T>, timeoutMs: number): Promise<T | 'timeout'> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, timeoutMs, 'timeout')));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

const closed = (stream: Readable | null): Promise<void> =>
  new Promise((resolve) => {
    if (stream) stream.once('close', resolve);
    else resolve();
  });

interface LauncherOutput {
  /** The first `ready:` line's URL. */
  readonly ready: Promise<string>;
  keep(line: string): void;
  lines(): string[];
  tail(count: number): string;
}

/** Keeps the last `max` lines. */
const createOutput = (max: number): LauncherOutput => {
  const lines: string[] = [];
  let announceReady: (url: string) => void = () => undefined;
  const ready = new Promise<string>((resolve) => (announceReady = resolve));
  const keep = (line: string): void => {
    lines.push(line);
    if (lines.length > max) lines.splice(0, lines.length - max);
    const url = READY_LINE.exec(line)?.[1];
    if (url !== undefined) announceReady(url);
  };
  const tail = (count: number): string => `--- last ${Math.min(count, lines.length)} launcher lines ---\n${lines.slice(-count).join('\n')}`;
  return { ready, keep, tail, lines: (): string[] => [...lines] };
};

const watchExit = (child: ChildProcess, keep: (line: string) => void): Promise<LauncherExit> =>
  new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      keep(`(spawnLauncher) could not spawn the launcher: ${error.message}`);
      resolve({ code: null, signal: null });
    });
  });

interface ChildControl {
  readonly exited: Promise<LauncherExit>;
  hasExited(): boolean;
  /** Runs once: a second call returns the first one's result, whatever its timeout. */
  stop(timeoutMs: number): Promise<LauncherStop>;
}

/** Watches `child` for its exit and stops it, SIGTERM first; also SIGTERMs it if this process exits without a stop. */
const controlChild = (child: ChildProcess, keep: (line: string) => void): ChildControl => {
  const exited = watchExit(child, keep);
  const outputEnded = Promise.all([closed(child.stdout), closed(child.stderr)]);
  // If this process goes away without stop(), the launcher still shuts its process tree down in order.
  const killOnExit = (): void => void child.kill('SIGTERM');
  process.once('exit', killOnExit);

  const hasExited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const exitWithOutput = async (): Promise<LauncherExit> => {
    const exit = await exited;
    await raceTimeout(outputEnded, OUTPUT_DRAIN_MS);
    return exit;
  };
  const terminate = async (timeoutMs: number): Promise<LauncherStop> => {
    process.removeListener('exit', killOnExit);
    if (hasExited()) return { exit: await exitWithOutput(), alreadyExited: true, killed: false };
    child.kill('SIGTERM');
    const killed = (await raceTimeout(exited, timeoutMs)) === 'timeout';
    if (killed) child.kill('SIGKILL');
    return { exit: await exitWithOutput(), alreadyExited: false, killed };
  };
  let stopping: Promise<LauncherStop> | undefined;
  return { exited, hasExited, stop: (timeoutMs) => (stopping ??= terminate(timeoutMs)) };
};

const describeFailure = (outcome: 'timeout' | { exit: LauncherExit }, readyTimeoutMs: number): string =>
  outcome === 'timeout' ? `did not print "ready: …" within ${readyTimeoutMs} ms` : `exited first (${JSON.stringify(outcome.exit)})`;

/**
 * Spawns the launcher (cwd: the repository) and resolves once it prints `ready: <gateway URL>`. If it exits first or
 * stays silent for readyTimeoutMs, it is stopped and the error names why, with the tail of its output.
 */
export const spawnLauncher = async (options: SpawnLauncherOptions): Promise<LauncherChild> => {
  const output = createOutput(options.keptLines);
  const child = spawn(process.execPath, [...(options.args ?? LAUNCHER_ARGS), ...(options.launcherArgs ?? [])], {
    cwd: REPO_ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.stdout) forEachLine(child.stdout, output.keep);
  if (child.stderr) forEachLine(child.stderr, output.keep);
  const { exited, hasExited, stop: stopWithin } = controlChild(child, output.keep);
  const stop = (timeoutMs = options.stopTimeoutMs): Promise<LauncherStop> => stopWithin(timeoutMs);

  const outcome = await raceTimeout(
    Promise.race([output.ready.then((url) => ({ url })), exited.then((exit) => ({ exit }))]),
    options.readyTimeoutMs,
  );
  if (outcome === 'timeout' || 'exit' in outcome) {
    await stop();
    const tailLines = options.failureTailLines ?? DEFAULT_FAILURE_TAIL_LINES;
    throw new Error(`the launcher ${describeFailure(outcome, options.readyTimeoutMs)}\n${output.tail(tailLines)}`);
  }

  return { gatewayUrl: outcome.url, exited, hasExited, lines: output.lines, tail: output.tail, stop };
};
