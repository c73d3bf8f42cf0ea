import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * Linux's /proc, read by pid: CPU time, resident memory, children, and the owner of a listening TCP port. Every
 * reader returns undefined for a process that is gone or unreadable instead of throwing: processes come and go
 * while the bench looks at them, and a missing figure is reported as such, never guessed.
 */

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** Clock ticks per second of utime/stime (USER_HZ): 100 on every mainstream Linux, asked once anyway. */
const clockTicksPerSecond = ((): number => {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
})();

export interface CpuTimes {
  /** utime + stime of the process itself (all its threads). */
  readonly ownMs: number;
  /** cutime + cstime: children it has waited for (a postmaster's exited backends, for instance). */
  readonly reapedChildrenMs: number;
}

/** Fields after the command name, which may itself contain spaces and parentheses. */
const statFields = (pid: number): string[] | undefined => {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
};

export const readCpuTimes = (pid: number): CpuTimes | undefined => {
  const fields = statFields(pid);
  // man 5 proc: utime, stime, cutime, cstime are fields 14-17, i.e. 11-14 after the state field (field 3).
  if (!fields || fields.length < 15) return undefined;
  const ms = (index: number): number => (Number(fields[index]) * 1000) / clockTicksPerSecond;
  return { ownMs: ms(11) + ms(12), reapedChildrenMs: ms(13) + ms(14) };
};

const statusField = (pid: number, field: string): string | undefined =>
  readText(`/proc/${pid}/status`)
    ?.split('\n')
    .find((line) => line.startsWith(`${field}:`))
    ?.slice(field.length + 1)
    .trim();

/** VmRSS: the resident set, shared pages (PostgreSQL's shared buffers, libraries) counted in every process that maps them. */
export const readRssBytes = (pid: number): number | undefined => {
  const value = statusField(pid, 'VmRSS');
  return value === undefined ? undefined : Number.parseInt(value, 10) * 1024;
};

/** Pss: the process's proportional share of its resident pages, so a sum over processes counts shared pages once. */
export const readPssBytes = (pid: number): number | undefined => {
  const line = readText(`/proc/${pid}/smaps_rollup`)
    ?.split('\n')
    .find((entry) => entry.startsWith('Pss:'));
  return line === undefined ? undefined : Number.parseInt(line.slice(4).trim(), 10) * 1024;
};

export const isRunning = (pid: number): boolean => {
  const fields = statFields(pid);
  return fields !== undefined && fields[0] !== 'Z';
};

/** Direct children, from every thread's `children` list (a child belongs to the thread that forked it). */
export const childrenOf = (pid: number): number[] => {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children = threads.flatMap((tid) =>
    (readText(`/proc/${pid}/task/${tid}/children`) ?? '')
      .split(' ')
      .filter((word) => word !== '')
      .map(Number),
  );
  return [...new Set(children)];
};

/** The process and all its descendants, parents first. */
export const processTree = (pid: number): number[] => {
  const tree: number[] = [];
  const pending = [pid];
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    if (tree.includes(next)) continue;
    tree.push(next);
    pending.push(...childrenOf(next));
  }
  return tree;
};

/** The first line of a PostgreSQL data directory's postmaster.pid is the postmaster's pid. */
export const readPidFile = (file: string): number | undefined => {
  const pid = Number.parseInt(readText(file)?.split('\n')[0]?.trim() ?? '', 10);
  return Number.isInteger(pid) && pid > 0 && isRunning(pid) ? pid : undefined;
};

/** Inodes of the sockets listening on `port` (IPv4 and IPv6), from /proc/net/tcp*: state 0A is LISTEN. */
const listeningInodes = (port: number): Set<string> => {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (readText(table) ?? '').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      const local = columns[1];
      if (!local || columns[3] !== '0A') continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && columns[9]) inodes.add(columns[9]);
    }
  }
  return inodes;
};

/**
 * The process that listens on a TCP port of this machine: the socket's inode from /proc/net/tcp, then the process
 * whose open files include that socket (readable for every process only as root or as the owner).
 */
export const listeningPid = (port: number): number | undefined => {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  const targets = new Set([...inodes].map((inode) => `socket:[${inode}]`));
  const pids = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (targets.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return pid;
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
};
