import { readdirSync } from 'node:fs';
import path from 'node:path';
import { SYSTEM_SERVICES, type SystemService } from '@ordering/contracts';
import { withClient } from '@ordering/embedded-database';
import { listeningPid, readPidFile } from './proc-reader.js';

/**
 * Which processes make up the system under test, by group: each service (all its replicas), the gateway, the
 * launcher, PostgreSQL and, in production mode, RabbitMQ. Service pids come from the launcher's state file (read
 * again at every look, since a restarted process has a new pid); PostgreSQL's postmaster from its data directory's
 * postmaster.pid (the embedded cluster the launcher started, or the production server's own data directory), or
 * else from the owner of its listening port; RabbitMQ's beam from the owner of the broker port or its pid file.
 * A group that cannot be found is named with the reason, never guessed.
 */

export type GroupName = SystemService | 'launcher' | 'postgres' | 'rabbitmq';

export interface ProcessGroup {
  readonly name: GroupName;
  /** Each root is counted with all its descendants. */
  readonly rootPids: readonly number[];
  /** Shared with whatever else uses that server on this machine (production mode's PostgreSQL and RabbitMQ). */
  readonly shared: boolean;
  /**
   * Count the CPU of children it has already reaped (cutime): yes for a postmaster (its exited backends), no for the
   * launcher, whose reaped children are earlier incarnations of services counted in their own groups.
   */
  readonly countReaped: boolean;
}

export interface LocatedProcesses {
  readonly groups: readonly ProcessGroup[];
  /** Groups that belong to the system but could not be found or read, with the reason. */
  readonly missing: Partial<Record<GroupName, string>>;
}

/** What the bench knows about the system it started; the launcher state is re-read at every call. */
export interface SystemLayout {
  readonly mode: 'embedded' | 'production';
  readonly launcherPid: number | undefined;
  /** name (`order`, `order#1`, `gateway`, `postgres`) and pid of every process the launcher supervises. */
  readonly processes: () => ReadonlyArray<{ readonly name: string; readonly pid: number | null }>;
  /** The embedded cluster's data directory (embedded mode). */
  readonly postgresDataDir: string | undefined;
  readonly postgresServerUrl: string;
  readonly brokerUrl: string | undefined;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const RABBITMQ_PID_FILES_DIR = '/var/lib/rabbitmq/mnesia';

const groupOf = (processName: string): GroupName | undefined => {
  const base = processName.replace(/#\d+$/, '');
  return (SYSTEM_SERVICES as readonly string[]).includes(base) ? (base as GroupName) : undefined;
};

const isLocal = (url: string): boolean => LOCAL_HOSTS.has(new URL(url).hostname);

/** The production server's postmaster: its data directory says, when we may ask; else whoever listens on its port. */
const locateServerPostmaster = async (serverUrl: string): Promise<number | string> => {
  if (!isLocal(serverUrl)) return `the PostgreSQL server at ${new URL(serverUrl).host} is not on this machine`;
  const dataDirectory = await withClient(
    serverUrl,
    async (client) => (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]?.data_directory,
  ).catch(() => undefined);
  const fromPidFile = dataDirectory === undefined ? undefined : readPidFile(path.join(dataDirectory, 'postmaster.pid'));
  if (fromPidFile !== undefined) return fromPidFile;
  return (
    listeningPid(Number(new URL(serverUrl).port || 5432)) ??
    'neither its postmaster.pid nor the owner of its port could be read (not root?)'
  );
};

const locateRabbitmq = (brokerUrl: string): number | string => {
  if (!isLocal(brokerUrl)) return `the broker at ${new URL(brokerUrl).host} is not on this machine`;
  const byPort = listeningPid(Number(new URL(brokerUrl).port || 5672));
  if (byPort !== undefined) return byPort;
  try {
    for (const file of readdirSync(RABBITMQ_PID_FILES_DIR).filter((name) => name.endsWith('.pid'))) {
      const pid = readPidFile(path.join(RABBITMQ_PID_FILES_DIR, file));
      if (pid !== undefined) return pid;
    }
  } catch {
    // no pid file directory: fall through
  }
  return `neither the owner of port ${new URL(brokerUrl).port || 5672} nor a pid file in ${RABBITMQ_PID_FILES_DIR} could be read`;
};

/** The servers' pids are looked up once (they do not restart under the bench); services are re-read at every call. */
export const createProcessLocator = async (layout: SystemLayout): Promise<() => LocatedProcesses> => {
  const missing: Partial<Record<GroupName, string>> = {};
  const servers: ProcessGroup[] = [];
  if (layout.mode === 'embedded') {
    const fromPidFile = layout.postgresDataDir === undefined ? undefined : readPidFile(path.join(layout.postgresDataDir, 'postmaster.pid'));
    const postmaster = fromPidFile ?? layout.processes().find((entry) => entry.name === 'postgres')?.pid ?? undefined;
    if (postmaster === undefined) missing.postgres = 'the embedded cluster has no readable postmaster.pid';
    else servers.push({ name: 'postgres', rootPids: [postmaster], shared: false, countReaped: true });
  } else {
    const postmaster = await locateServerPostmaster(layout.postgresServerUrl);
    if (typeof postmaster === 'string') missing.postgres = postmaster;
    else servers.push({ name: 'postgres', rootPids: [postmaster], shared: true, countReaped: true });
    const beam = layout.brokerUrl === undefined ? 'no broker URL' : locateRabbitmq(layout.brokerUrl);
    if (typeof beam === 'string') missing.rabbitmq = beam;
    else servers.push({ name: 'rabbitmq', rootPids: [beam], shared: true, countReaped: true });
  }
  return () => {
    const services = new Map<GroupName, number[]>();
    for (const entry of layout.processes()) {
      const group = groupOf(entry.name);
      if (group === undefined || entry.pid === null) continue;
      services.set(group, [...(services.get(group) ?? []), entry.pid]);
    }
    const launcher: ProcessGroup[] =
      layout.launcherPid === undefined ? [] : [{ name: 'launcher', rootPids: [layout.launcherPid], shared: false, countReaped: false }];
    // The launcher last: its descendants include every service and the embedded PostgreSQL, counted in their own groups.
    return {
      groups: [
        ...[...services.entries()].map(([name, rootPids]) => ({ name, rootPids, shared: false, countReaped: true })),
        ...servers,
        ...launcher,
      ],
      missing: { ...missing, ...(layout.launcherPid === undefined ? { launcher: 'the launcher state names no pid' } : {}) },
    };
  };
};
