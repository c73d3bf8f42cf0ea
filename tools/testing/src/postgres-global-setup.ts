import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, startOrphanReaper, type EmbeddedPostgres } from '@ordering/embedded-database';
import type { TestProject } from 'vitest/node';
import { findFreePort } from './find-free-port.js';

/**
 * A throwaway cluster: durability buys nothing here, and without fsync creating and dropping databases is several
 * times faster. SQL semantics (locking, isolation) are unchanged.
 */
const TEST_SERVER_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
const KEPT_LOG_LINES = 50;

/**
 * Vitest globalSetup: one PostgreSQL server for the whole run; each test file makes its own databases on it with
 * createTestDatabase(). TEST_DATABASE_URL points the same suites at an external server (CI's system PostgreSQL).
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.TEST_DATABASE_URL;
  if (external !== undefined && external !== '') {
    project.provide('postgresUrl', external);
    return undefined;
  }

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ordering-test-pg-'));
  const recentLog: string[] = [];
  const keepLine = (line: string): void => {
    recentLog.push(line);
    if (recentLog.length > KEPT_LOG_LINES) recentLog.shift();
  };
  let server: EmbeddedPostgres;
  try {
    server = await startEmbeddedPostgres({ dataDir, port: await findFreePort(), onLog: keepLine, settings: TEST_SERVER_SETTINGS });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  // If vitest itself is killed (a CI timeout), the server would otherwise run on forever.
  const reaper = startOrphanReaper();
  reaper.watch({ services: [], postgres: server.pid });
  server.onUnexpectedExit((exit) => {
    process.stderr.write(`the embedded test PostgreSQL died (${JSON.stringify(exit)}); its last lines:\n${recentLog.join('\n')}\n`);
  });
  project.provide('postgresUrl', server.url);

  return async () => {
    await server.stop();
    reaper.close();
    await rm(dataDir, { recursive: true, force: true });
  };
}
