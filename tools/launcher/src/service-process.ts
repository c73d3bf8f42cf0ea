import { spawn } from 'node:child_process';
import type { LinePrinter } from './log-prefixer.js';
import type { ProcessExit, RunningProcess } from './process-supervisor.js';
import { sendSignal, signalGroup } from './process-probe.js';
import { forEachLine } from './read-lines.js';
import type { ProcessSpec } from './service-plan.js';

export interface ServiceProcessOptions {
  readonly repoRoot: string;
  readonly print: LinePrinter;
  /** How long a service may drain after SIGTERM before it is killed. */
  readonly stopGraceMs?: number;
}

/** The same flags as `npm start` uses for the launcher: TypeScript through tsx, workspace packages from src. */
const NODE_ARGS = ['--conditions=development', '--import', 'tsx'];

export const spawnServiceProcess = async (spec: ProcessSpec, options: ServiceProcessOptions): Promise<RunningProcess> => {
  const child = spawn(process.execPath, [...NODE_ARGS, spec.entry], {
    cwd: options.repoRoot,
    env: spec.env,
    // Its own process group: a terminal's Ctrl-C reaches only the launcher, which then stops everything in order.
    detached: true,
    // Services do not read stdin.
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      options.print(`failed to spawn: ${error.message}`);
      resolve({ code: null, signal: null });
    });
  });
  if (child.stdout) forEachLine(child.stdout, options.print);
  if (child.stderr) forEachLine(child.stderr, options.print);

  const pid = child.pid;
  if (pid === undefined) {
    await exited;
    throw new Error(`could not spawn ${spec.name}`);
  }

  const graceMs = options.stopGraceMs ?? 12_000;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      sendSignal(pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const gone = await Promise.race([exited.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(resolve, graceMs, false)))]);
      clearTimeout(timer);
      if (!gone) {
        options.print(`did not exit within ${graceMs} ms of SIGTERM, sending SIGKILL`);
        signalGroup(pid, 'SIGKILL');
      }
      await exited;
    })();
    return stopping;
  };

  return { pid, exited, stop };
};
