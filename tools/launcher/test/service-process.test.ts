import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isProcessAlive } from '@ordering/embedded-database';
import type { ProcessSpec } from '../src/service-plan.js';
import { spawnServiceProcess } from '../src/service-process.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Stand-ins for a service: one that drains on SIGTERM, one that ignores it.
 * Each installs its handler before announcing "up", so a stop sent after "up" always meets the handler.
 */
const POLITE = `
process.on('SIGTERM', () => { console.log('draining'); process.exit(0); });
console.log(JSON.stringify({ msg: 'up', env: process.env.SERVICE_NAME }));
setInterval(() => undefined, 1000);
`;
const STUBBORN = `
process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
console.log('up');
setInterval(() => undefined, 1000);
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'launcher-service-process-'));
  await writeFile(path.join(dir, 'polite.mjs'), POLITE);
  await writeFile(path.join(dir, 'stubborn.mjs'), STUBBORN);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const specFor = (script: string): ProcessSpec => ({
  name: 'fake',
  service: 'order',
  replica: 0,
  port: 0,
  url: 'http://127.0.0.1:0',
  entry: path.join(dir, script),
  env: { PATH: process.env.PATH ?? '', SERVICE_NAME: 'order' },
});

const waitForLine = (lines: string[], wanted: string): Promise<void> =>
  new Promise((resolve) => {
    const timer = setInterval(() => {
      if (lines.some((line) => line.includes(wanted))) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });

describe('spawnServiceProcess', () => {
  it('when stopped, then the process gets SIGTERM, its output lines reach the printer and it exits', async () => {
    const lines: string[] = [];
    const running = await spawnServiceProcess(specFor('polite.mjs'), { repoRoot, print: (line) => lines.push(line) });
    await waitForLine(lines, '"up"');

    await running.stop();

    expect(await running.exited).toEqual({ code: 0, signal: null });
    // 'exit' can come before the pipe has delivered the last line.
    await vi.waitFor(() => expect(lines).toEqual(['{"msg":"up","env":"order"}', 'draining']), { timeout: 5_000 });
  });

  it('when the process ignores SIGTERM, then it is killed after the grace period', async () => {
    const lines: string[] = [];
    const running = await spawnServiceProcess(specFor('stubborn.mjs'), { repoRoot, print: (line) => lines.push(line), stopGraceMs: 300 });
    await waitForLine(lines, 'up');

    await running.stop();

    expect(await running.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(isProcessAlive(running.pid)).toBe(false);
    await vi.waitFor(() => expect(lines).toContain('ignoring SIGTERM'), { timeout: 5_000 });
  });
});
