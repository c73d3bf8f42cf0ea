import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { omitVariables, spawnLauncher, type SpawnLauncherOptions } from '../src/launcher-child.js';

/**
 * Stand-ins for the launcher. Each installs its SIGTERM handler before printing, so a stop sent after a line always
 * meets the handler.
 */
const SCRIPTS = {
  polite: `
process.on('SIGTERM', () => { console.log('stopping'); process.exit(0); });
console.log('launcher | starting');
console.error('postgres | listening');
console.log('ready: http://127.0.0.1:1234');
setInterval(() => undefined, 1000);
`,
  failing: `
console.log('launcher | starting');
console.error('launcher | port 1234 is taken');
process.exit(3);
`,
  stubborn: `
process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
console.log('ready: http://127.0.0.1:1234');
setInterval(() => undefined, 1000);
`,
  silent: `
process.on('SIGTERM', () => process.exit(0));
console.log('launcher | starting');
setInterval(() => undefined, 1000);
`,
  brief: `
console.log('ready: http://127.0.0.1:1234');
setTimeout(() => process.exit(5), 50);
`,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'launcher-child-'));
  await Promise.all(Object.entries(SCRIPTS).map(([name, text]) => writeFile(path.join(dir, `${name}.mjs`), text)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const optionsFor = (script: keyof typeof SCRIPTS, overrides: Partial<SpawnLauncherOptions> = {}): SpawnLauncherOptions => ({
  env: { PATH: process.env.PATH ?? '' },
  keptLines: 100,
  readyTimeoutMs: 20_000,
  stopTimeoutMs: 5_000,
  args: [path.join(dir, `${script}.mjs`)],
  ...overrides,
});

describe('spawnLauncher', () => {
  it('when the child prints "ready: http://127.0.0.1:1234", then it resolves with that URL and keeps stdout and stderr', async () => {
    const exitListeners = process.listenerCount('exit');
    const launcher = await spawnLauncher(optionsFor('polite'));

    expect(launcher.gatewayUrl).toBe('http://127.0.0.1:1234');
    expect(launcher.hasExited()).toBe(false);
    expect(process.listenerCount('exit')).toBe(exitListeners + 1);

    const stopped = await launcher.stop();

    expect(stopped).toEqual({ exit: { code: 0, signal: null }, alreadyExited: false, killed: false });
    expect(launcher.hasExited()).toBe(true);
    expect(process.listenerCount('exit')).toBe(exitListeners);
    expect([...launcher.lines()].sort()).toEqual(
      ['launcher | starting', 'postgres | listening', 'ready: http://127.0.0.1:1234', 'stopping'].sort(),
    );
  });

  it('when more lines come than it keeps, then lines() and tail() hold only the last ones', async () => {
    const launcher = await spawnLauncher(optionsFor('polite', { keptLines: 2 }));
    await launcher.stop();

    expect(launcher.lines()).toHaveLength(2);
    expect(launcher.lines()).toContain('stopping');
    expect(launcher.tail(5)).toMatch(/^--- last 2 launcher lines ---\n/);
  });

  it('when it exits first, then it rejects with the exit and the output tail', async () => {
    const exitListeners = process.listenerCount('exit');

    const failed = spawnLauncher(optionsFor('failing'));

    await expect(failed).rejects.toThrow('the launcher exited first ({"code":3,"signal":null})');
    await expect(failed).rejects.toThrow('launcher | port 1234 is taken');
    expect(process.listenerCount('exit')).toBe(exitListeners);
  });

  it('when no ready line comes within the timeout, then it stops the child and rejects naming the timeout and the output', async () => {
    const failed = spawnLauncher(optionsFor('silent', { readyTimeoutMs: 500 }));

    await expect(failed).rejects.toThrow(/did not print "ready: …" within 500 ms\n--- last 1 launcher lines ---\nlauncher \| starting/);
  });

  it('when it ignores SIGTERM, then stop kills it after the timeout', async () => {
    const launcher = await spawnLauncher(optionsFor('stubborn'));

    const stopped = await launcher.stop(300);

    expect(stopped).toEqual({ exit: { code: null, signal: 'SIGKILL' }, alreadyExited: false, killed: true });
    expect(launcher.lines()).toContain('ignoring SIGTERM');
  });

  it('when it exited on its own after ready, then stop says so without signalling and returns that exit', async () => {
    const launcher = await spawnLauncher(optionsFor('brief'));
    await launcher.exited;

    expect(await launcher.stop()).toEqual({ exit: { code: 5, signal: null }, alreadyExited: true, killed: false });
  });
});

describe('omitVariables', () => {
  it('when given names and unset variables, then the copy has neither', () => {
    expect(omitVariables({ PATH: '/bin', DATA_DIR: '/tmp/x', EMPTY: undefined }, ['DATA_DIR'])).toEqual({ PATH: '/bin' });
  });
});
