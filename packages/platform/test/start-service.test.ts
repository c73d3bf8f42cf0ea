import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '@ordering/testing';
import { describe, expect, it } from 'vitest';

const SERVICE = fileURLToPath(new URL('./support/recording-service.ts', import.meta.url));

interface RunningProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** The `part …` lines so far, in the order the process wrote them. */
  parts: () => string[];
  stdout: () => string;
  stderr: () => string;
  /** Resolves when stdout has shown `line`. */
  sawPart: (line: string) => Promise<void>;
  exited: Promise<number | null>;
}

/** The recording service as its own process, with exactly this environment (and PATH). */
const runService = (env: Record<string, string>): RunningProcess => {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', SERVICE], {
    env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'fatal', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting: Array<{ line: string; resolve: () => void }> = [];
  const parts = (): string[] => stdout.split('\n').filter((line) => line.startsWith('part '));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const wait of waiting) if (parts().includes(wait.line)) wait.resolve();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  const sawPart = (line: string): Promise<void> =>
    parts().includes(line) ? Promise.resolve() : new Promise((resolve) => waiting.push({ line, resolve }));
  return { child, parts, stdout: () => stdout, stderr: () => stderr, sawPart, exited };
};

describe('a service started with startService', () => {
  it('when it gets SIGTERM, then HTTP closes first and the parts stop last-opened-first, after they started in order', async () => {
    const service = runService({ PORT: String(await findFreePort()), PARTS: 'database,messaging,sweeper' });
    await service.sawPart('part sweeper started');

    service.child.kill('SIGTERM');

    expect(await service.exited).toBe(0);
    expect(service.parts()).toEqual([
      'part database opened',
      'part messaging opened',
      'part sweeper opened',
      'part database started',
      'part messaging started',
      'part sweeper started',
      'part http closed',
      'part sweeper stopped',
      'part messaging stopped',
      'part database stopped',
    ]);
  }, 60_000);

  it('when PORT is not a number, then it exits 78 with one stderr line and opens nothing', async () => {
    const service = runService({ PORT: 'eighty' });

    expect(await service.exited).toBe(78);
    expect(service.stderr().trim().split('\n')).toEqual([expect.stringMatching(/^recording: config error: PORT="eighty" is invalid: /)]);
    expect(service.parts()).toEqual([]);
  }, 60_000);

  it('when a part fails to open, then the process exits 1 with one fatal log line and nothing starts', async () => {
    const service = runService({ PORT: String(await findFreePort()), PARTS: 'database,failing,messaging' });

    expect(await service.exited).toBe(1);
    const fatalLines = service
      .stdout()
      .split('\n')
      .filter((line) => line.includes('the failing part could not open'));
    expect(fatalLines).toEqual([expect.stringMatching(/"msg":"(unhandled promise rejection|uncaught exception)"/)]);
    expect(service.parts()).toEqual(['part database opened']);
  }, 60_000);
});
