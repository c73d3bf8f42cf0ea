import { execFile } from 'node:child_process';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Relative to the repository: the console's sources (what its build reads) and the file the build writes last. */
const CONSOLE_DIR = 'services/gateway/console';
const CONSOLE_SOURCES = ['src', 'index.html', 'vite.config.ts'];
const BUILT_INDEX = 'dist/index.html';

/**
 * The console needs a build when there is none, or when any source was changed after it. Modification times, not
 * contents: checking costs a few dozen stat calls, so an unchanged console adds nothing noticeable to `npm start`.
 */
export const isConsoleStale = (builtAtMs: number | undefined, sourcesModifiedMs: readonly number[]): boolean =>
  builtAtMs === undefined || sourcesModifiedMs.some((modifiedMs) => modifiedMs > builtAtMs);

const modifiedTimes = async (file: string): Promise<number[]> => {
  const info = await stat(file).catch(() => undefined);
  if (!info) return [];
  if (!info.isDirectory()) return [info.mtimeMs];
  const entries = await readdir(file);
  const nested = await Promise.all(entries.map((entry) => modifiedTimes(path.join(file, entry))));
  // A deleted file changes the build too: its directory's time moves.
  return [info.mtimeMs, ...nested.flat()];
};

/** The modification times of every console source under `consoleDir`, and of its built index.html (if any). */
export const consoleTimes = async (consoleDir: string): Promise<{ builtAtMs: number | undefined; sourcesModifiedMs: number[] }> => {
  const built = await stat(path.join(consoleDir, BUILT_INDEX)).catch(() => undefined);
  const sources = await Promise.all(CONSOLE_SOURCES.map((source) => modifiedTimes(path.join(consoleDir, source))));
  return { builtAtMs: built?.mtimeMs, sourcesModifiedMs: sources.flat() };
};

const outputOf = (error: unknown): string => {
  const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message?: string };
  return [stderr, stdout].filter(Boolean).join('\n').trim() || (message ?? String(error));
};

/**
 * Puts a finished build in place of `dist` with renames, so that launchers started together (tests, the bench) never
 * serve or build into a half-written directory: when another launcher's build got there first, it is the same build
 * of the same sources, and this one is dropped.
 */
const swapInto = async (staging: string, dist: string): Promise<void> => {
  const retired = `${staging}-retired`;
  await rename(dist, retired).catch(() => undefined);
  await rename(staging, dist).catch(() => undefined);
  await Promise.all([rm(retired, { recursive: true, force: true }), rm(staging, { recursive: true, force: true })]);
};

/**
 * Before the services start, so the gateway serves a console that matches its sources with no extra step. A failed
 * build stops the launcher with the build's own error.
 */
export const ensureConsoleBuilt = async (repoRoot: string, say: (line: string) => void): Promise<void> => {
  const consoleDir = path.join(repoRoot, CONSOLE_DIR);
  const { builtAtMs, sourcesModifiedMs } = await consoleTimes(consoleDir);
  if (!isConsoleStale(builtAtMs, sourcesModifiedMs)) return;
  say('building the console...');
  // Under node_modules: on the repository's file system (renames stay atomic), and ignored by git and the linters.
  const staging = path.join(repoRoot, 'node_modules', '.cache', `ordering-console-${process.pid}`);
  await mkdir(path.dirname(staging), { recursive: true });
  try {
    const args = ['run', 'build:console', '--silent', '-w', '@ordering/gateway', '--', '--outDir', staging, '--emptyOutDir'];
    await run('npm', args, { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(`the console build failed:\n${outputOf(error)}`);
  }
  await swapInto(staging, path.join(consoleDir, 'dist'));
};
