import { isProcessAlive, readCommandLine, sendSignal, signalGroup, waitUntilGone } from '@ordering/embedded-database';
import { readLauncherState } from './launcher-state.js';

/**
 * Two launchers on one DATA_DIR would fight over the PostgreSQL cluster and the state file, so a second one refuses.
 * A state file whose launcher is dead was left by a launcher that was killed; if its watchdog did not get to run
 * (it was killed too), its services may still hold their ports: stop those that still run the same program.
 * The orphaned PostgreSQL server, if any, is handled by startEmbeddedPostgres through postmaster.pid.
 */
export const claimDataDir = async (stateFile: string, log: (message: string) => void): Promise<void> => {
  const previous = readLauncherState(stateFile);
  if (!previous || previous.launcherPid === process.pid) return;

  if (isProcessAlive(previous.launcherPid)) {
    const commandLine = readCommandLine(previous.launcherPid);
    if (commandLine === undefined || commandLine.includes('launcher')) {
      throw new Error(
        `another launcher (pid ${previous.launcherPid}) is using this DATA_DIR (${stateFile}): stop it, use another DATA_DIR, ` +
          'or delete the file if no launcher is running',
      );
    }
  }

  const orphans = (previous.processes ?? []).filter(
    (entry): entry is typeof entry & { pid: number } =>
      entry.name !== 'postgres' &&
      entry.pid !== null &&
      isProcessAlive(entry.pid) &&
      (readCommandLine(entry.pid)?.includes(entry.command) ?? false),
  );
  if (orphans.length === 0) return;
  log(
    `stopping ${orphans.length} process(es) left running by a launcher that was killed: ${orphans.map((o) => `${o.name} (pid ${o.pid})`).join(', ')}`,
  );
  for (const orphan of orphans) sendSignal(orphan.pid, 'SIGTERM');
  for (const orphan of orphans) {
    if (!(await waitUntilGone(orphan.pid, 12_000))) signalGroup(orphan.pid, 'SIGKILL');
  }
};
