import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { launcherStatePath } from '@ordering/launcher';
import { describe, expect, it } from 'vitest';
import { startSystem } from './support/system.js';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the launcher when its state file cannot be written', () => {
  it("when a directory has taken the state file's place, then SIGTERM still stops every process and the launcher exits 0", async () => {
    const system = await startSystem({ replicas: 1 });
    const pids = system
      .state()
      .processes.map((entry) => entry.pid)
      .filter((pid): pid is number => pid !== null);
    const stateFile = launcherStatePath(system.dataDir);
    await rm(stateFile);
    await mkdir(path.join(stateFile, 'in-the-way'), { recursive: true });

    // stop() fails unless the launcher exits with code 0 within 30 s of SIGTERM.
    await system.stop();

    expect(pids.length).toBeGreaterThanOrEqual(5);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(system.logs().some((line) => line.includes(`cannot write ${stateFile}`))).toBe(true);
  });
});
