import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Logger } from '../logging/logger.js';

export interface DatabaseSettings<TSchema extends Record<string, unknown>> {
  url: string;
  schema: TSchema;
  logger: Logger;
  /** Pool size per process; replicas multiply it, so keep it modest. */
  maxConnections?: number;
  applicationName: string;
}

export interface Database<TSchema extends Record<string, unknown>> {
  pool: pg.Pool;
  db: NodePgDatabase<TSchema>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// Money and counts are bigint columns; parse int8 as a JS number (yen amounts stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

/**
 * A pool survives the database going away: broken idle clients are reported and discarded, and the
 * next query opens a fresh connection, so a restarted PostgreSQL heals without restarting the service.
 */
export const connectDatabase = <TSchema extends Record<string, unknown>>(
  settings: DatabaseSettings<TSchema>,
): Database<TSchema> => {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.maxConnections ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    application_name: settings.applicationName,
  });
  pool.on('error', (error) => settings.logger.warn({ err: error }, 'idle database connection failed'));
  // The pool only listens on idle clients. A checked-out client whose server goes away (a restart, kill -9) emits
  // 'error' too; unheard, that would crash the process. Its pending query still fails and the caller handles it.
  pool.on('connect', (client) => {
    client.on('error', (error) => settings.logger.warn({ err: error }, 'database connection lost while in use'));
  });
  const db = drizzle(pool, { schema: settings.schema });
  let closed = false;
  return {
    pool,
    db,
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
};
