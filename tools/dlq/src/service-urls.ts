import path from 'node:path';
import { launcherStatePath, readLauncherState, type ProcessState } from '@ordering/launcher';
import { DlqFailure } from './dead-letter-source.js';
import { SERVICES } from './dlq-config.js';

/**
 * The launcher names replicas `order`, `order#1`, …; any one will do, since the replicas of a service share its
 * database. A replica that is up (has a pid) is preferred over one between restarts.
 */
const pickReplica = (processes: readonly ProcessState[], service: string): string | undefined => {
  const replicas = processes.filter((entry) => entry.url !== null && (entry.name === service || entry.name.startsWith(`${service}#`)));
  return (replicas.find((entry) => entry.pid !== null) ?? replicas[0])?.url ?? undefined;
};

/**
 * The base URL of each service: `<SERVICE>_URL` wins, then the state file of a running `npm start` in `dataDir`.
 * Services neither knows are left out (a single `ORDER_URL` means "just the order service"); knowing none at all
 * fails with one line saying how to fix it.
 */
export const resolveServiceUrls = (env: Readonly<Record<string, string>>, dataDir: string): Record<string, string> => {
  const stateFile = launcherStatePath(path.resolve(dataDir));
  const processes = readLauncherState(stateFile)?.processes ?? [];
  const urls: Record<string, string> = {};
  for (const service of SERVICES) {
    const url = env[service] ?? pickReplica(processes, service);
    if (url) urls[service] = url.replace(/\/+$/, '');
  }
  if (Object.keys(urls).length === 0) {
    const variables = SERVICES.map((service) => `${service.toUpperCase()}_URL`).join(', ');
    throw new DlqFailure(
      `no service to ask: no launcher state at ${stateFile} (is npm start running?); set ${variables}, or use --broker for RabbitMQ`,
    );
  }
  return urls;
};
