import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A zombie (exited, not yet reaped) still answers kill(pid, 0). Orphans are reaped by pid 1, which in some containers
 * takes its time, so look at the state in /proc where there is one.
 */
const isZombie = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
};

export const isProcessAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (error) {
    // EPERM: it exists but belongs to someone else, which still means "alive".
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The command line of a live process, or undefined where /proc does not exist (macOS) or the process is gone.
 * Used to make sure a pid read from a file still belongs to the program we think before signalling it: pids are
 * reused.
 */
export const readCommandLine = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
};

export const sendSignal = (pid: number, signal: NodeJS.Signals): boolean => {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
};

/** Signals a whole process group (the child started with `detached: true` leads one), falling back to the pid alone. */
export const signalGroup = (pid: number, signal: NodeJS.Signals): boolean => sendSignal(-pid, signal) || sendSignal(pid, signal);

/** For processes that are not our children, whose exit we cannot await: poll. */
export const waitUntilGone = async (pid: number, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
};
