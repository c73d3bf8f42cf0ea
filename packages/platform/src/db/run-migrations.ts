import { setTimeout as sleep } from 'node:timers/promises';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import type { Logger } from '../logging/logger.js';
import { isConnectivityFailure } from './database-errors.js';
import type { MigrationSet } from './migration-sets.js';

/** Arbitrary but fixed: every replica of every service takes the same lock id in its own database. */
const MIGRATION_LOCK_ID = 7_351_202;
const STARTUP_DEADLINE_MS = 60_000;

const migrateUnderLock = async (pool: pg.Pool, sets: readonly MigrationSet[]): Promise<void> => {
  const client = await pool.connect();
  try {
    // Replicas starting together serialise here; the losers find nothing left to apply.
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    // In order: a service's own migrations may refer to the tables of the packages it uses.
    for (const set of sets) {
      await migrate(drizzle(client), { migrationsFolder: set.folder, ...(set.journalTable ? { migrationsTable: set.journalTable } : {}) });
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    client.release();
  }
};

/**
 * Applies the pending migrations of each set, in order. The database may still be starting (the launcher starts
 * everything at once, and Kubernetes restarts pods in any order), so connection failures are retried until a deadline.
 */
export const runMigrations = async (pool: pg.Pool, sets: readonly MigrationSet[], logger: Logger): Promise<void> => {
  const deadline = Date.now() + STARTUP_DEADLINE_MS;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await migrateUnderLock(pool, sets);
      logger.info({ migrations: sets.map((set) => set.name) }, 'database migrations applied');
      return;
    } catch (error) {
      if (!isConnectivityFailure(error) || Date.now() > deadline) throw error;
      const delay = Math.min(200 * 2 ** attempt, 3000);
      logger.warn({ err: error, attempt, delay }, 'database not reachable yet, retrying migrations');
      await sleep(delay);
    }
  }
};
