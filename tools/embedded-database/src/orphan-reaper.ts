import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface WatchedProcesses {
  readonly services: readonly number[];
  readonly postgres: number | null;
}

export interface OrphanReaper {
  /** Replaces the list of processes to stop should the launcher die. */
  watch(processes: WatchedProcesses): void;
  /** After a clean shutdown: nothing is left to reap. */
  close(): void;
}

/**
 * Children cannot learn that their parent was SIGKILLed, and services should not have to watch for it. A small
 * watchdog process holds a pipe from the launcher instead; see orphan-reaper.mjs.
 */
export const startOrphanReaper = (): OrphanReaper => {
  const script = fileURLToPath(new URL('./orphan-reaper.mjs', import.meta.url));
  const child = spawn(process.execPath, [script], {
    // Its own process group, so the Ctrl-C meant for the launcher does not take the watchdog down with it.
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.unref();
  const input = child.stdin;
  // If the watchdog itself was killed, writes fail with EPIPE: the launcher runs on without it.
  input?.on('error', () => undefined);

  let last = '';
  return {
    watch: (processes) => {
      const line = JSON.stringify({ services: processes.services, postgres: processes.postgres });
      if (line === last || !input?.writable) return;
      last = line;
      input.write(`${line}\n`);
    },
    close: () => {
      if (!input?.writable) return;
      input.end(`${JSON.stringify({ services: [], postgres: null })}\n`);
    },
  };
};
