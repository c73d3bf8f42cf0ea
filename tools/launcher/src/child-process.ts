import { spawn } from 'node:child_process';
import { sendSignal, signalGroup, forEachLine } from '@ordering/embedded-database';
import type { LinePrinter } from './log-prefixer.js';
import type { ProcessExit, RunningProcess } from './process-supervisor.js';

export interface ChildCommand {
  /** For the error when it cannot be spawned, e.g. `customer#1` or `prometheus`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Every line of its stdout and stderr. */
  readonly print: LinePrinter;
  /** How long it may drain after SIGTERM before it is killed. */
  readonly stopGraceMs: number;
}

/**
 * Any program the launcher supervises (a service, Prometheus): spawned in its own process group, its output printed
 * line by line, stopped with SIGTERM and, after the grace period, SIGKILL to its whole group.
 */
export const spawnChildProcess = async (child: ChildCommand): Promise<RunningProcess> => {
  const spawned = spawn(child.command, [...child.args], {
    cwd: child.cwd,
    env: child.env,
    // Its own process group: a terminal's Ctrl-C reaches only the launcher, which then stops everything in order.
    detached: true,
    // Nothing the launcher runs reads stdin.
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const exited = new Promise<ProcessExit>((resolve) => {
    spawned.once('exit', (code, signal) => resolve({ code, signal }));
    spawned.once('error', (error) => {
      child.print(`failed to spawn: ${error.message}`);
      resolve({ code: null, signal: null });
    });
  });
  if (spawned.stdout) forEachLine(spawned.stdout, child.print);
  if (spawned.stderr) forEachLine(spawned.stderr, child.print);

  const pid = spawned.pid;
  if (pid === undefined) {
    await exited;
    throw new Error(`could not spawn ${child.name}`);
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (spawned.exitCode !== null || spawned.signalCode !== null) return;
      sendSignal(pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const gone = await Promise.race([
        exited.then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(resolve, child.stopGraceMs, false))),
      ]);
      clearTimeout(timer);
      if (!gone) {
        child.print(`did not exit within ${child.stopGraceMs} ms of SIGTERM, sending SIGKILL`);
        signalGroup(pid, 'SIGKILL');
      }
      await exited;
    })();
    return stopping;
  };

  return { pid, exited, stop };
};
