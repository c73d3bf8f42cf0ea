import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleTimes, isConsoleStale } from '../src/console-build.js';

describe('isConsoleStale', () => {
  it('when the console was never built, then it is stale', () => {
    expect(isConsoleStale(undefined, [1_000])).toBe(true);
  });

  it('when every source is older than the build, then it is not stale', () => {
    expect(isConsoleStale(5_000, [1_000, 4_999, 5_000])).toBe(false);
  });

  it('when one source was changed after the build, then it is stale', () => {
    expect(isConsoleStale(5_000, [1_000, 5_001, 2_000])).toBe(true);
  });
});

const at = (file: string, seconds: number): void => utimesSync(file, seconds, seconds);

/** A console folder whose every file and directory was last changed at `seconds`. */
const aConsole = (seconds: number): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'launcher-console-'));
  mkdirSync(path.join(dir, 'src', 'ui'), { recursive: true });
  for (const file of ['index.html', 'vite.config.ts', 'src/main.tsx', 'src/ui/button.tsx', 'README.md']) {
    writeFileSync(path.join(dir, file), 'x');
    at(path.join(dir, file), seconds);
  }
  for (const folder of ['src/ui', 'src']) at(path.join(dir, folder), seconds);
  return dir;
};

const build = (dir: string, seconds: number): void => {
  mkdirSync(path.join(dir, 'dist'), { recursive: true });
  writeFileSync(path.join(dir, 'dist', 'index.html'), 'built');
  at(path.join(dir, 'dist', 'index.html'), seconds);
};

const staleness = async (dir: string): Promise<boolean> => {
  const { builtAtMs, sourcesModifiedMs } = await consoleTimes(dir);
  return isConsoleStale(builtAtMs, sourcesModifiedMs);
};

describe('consoleTimes', () => {
  it('when dist/index.html is missing, then the console is stale', async () => {
    expect(await staleness(aConsole(1_000))).toBe(true);
  });

  it('when the build is newer than every source, then it is fresh', async () => {
    const dir = aConsole(1_000);
    build(dir, 2_000);

    expect(await staleness(dir)).toBe(false);
  });

  it('when a nested source, index.html or vite.config.ts changes after the build, then it is stale', async () => {
    for (const changed of ['src/ui/button.tsx', 'index.html', 'vite.config.ts']) {
      const dir = aConsole(1_000);
      build(dir, 2_000);
      at(path.join(dir, changed), 3_000);

      expect(await staleness(dir), changed).toBe(true);
    }
  });

  it('when a file outside the sources changes, then the build is still fresh', async () => {
    const dir = aConsole(1_000);
    build(dir, 2_000);
    at(path.join(dir, 'README.md'), 3_000);

    expect(await staleness(dir)).toBe(false);
  });
});
