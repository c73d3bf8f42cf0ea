// @ts-check
/**
 * Runs beside the launcher, in its own process group, and does nothing until its stdin closes. The launcher keeps
 * the write end of that pipe and sends the pids it supervises, one JSON line per change. The kernel closes the pipe
 * when the launcher dies, however it dies (kill -9 included), and then this process stops what the launcher left
 * behind: services first (SIGTERM, SIGKILL after a grace period), then PostgreSQL (fast shutdown). On a clean
 * shutdown the launcher sends an empty list before closing, so there is nothing left to do.
 *
 * Plain JavaScript on purpose: it starts with plain `node`, without tsx's compile step and memory.
 */
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const SERVICE_GRACE_MS = 12_000;
const POSTGRES_GRACE_MS = 15_000;

/** @type {{ services: number[]; postgres: number | null }} */
let watched = { services: [], postgres: null };

/** Orphans are reaped by pid 1, which in some containers takes its time: a zombie counts as gone. @param {number} pid */
const isZombie = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
};

/** @param {number} pid */
const isAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
};

/** @param {number} pid @param {NodeJS.Signals} signal */
const signal = (pid, signal) => {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
};

/** @param {number[]} pids @param {number} timeoutMs @returns {Promise<number[]>} the pids still alive */
const waitUntilGone = async (pids, timeoutMs) => {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(100);
  return pids.filter(isAlive);
};

/** @param {number[]} pids @param {NodeJS.Signals} gentle @param {number} graceMs */
const stopAll = async (pids, gentle, graceMs) => {
  const alive = pids.filter(isAlive);
  for (const pid of alive) signal(pid, gentle);
  for (const pid of await waitUntilGone(alive, graceMs)) {
    // Each was started as the leader of its own process group: take its children with it.
    signal(-pid, 'SIGKILL');
    signal(pid, 'SIGKILL');
  }
};

const reap = async () => {
  await stopAll(watched.services, 'SIGTERM', SERVICE_GRACE_MS);
  if (watched.postgres !== null) await stopAll([watched.postgres], 'SIGINT', POSTGRES_GRACE_MS);
  process.exit(0);
};

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  try {
    const parsed = JSON.parse(line);
    watched = {
      services: Array.isArray(parsed.services) ? parsed.services.filter(Number.isInteger) : [],
      postgres: Number.isInteger(parsed.postgres) ? parsed.postgres : null,
    };
  } catch {
    // Keep the last good list.
  }
});
lines.on('close', () => void reap());
