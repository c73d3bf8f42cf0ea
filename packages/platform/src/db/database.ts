import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { Counter } from 'prom-client';
import type { Logger } from '../logging/logger.js';
import type { ServiceMetrics } from '../metrics/metrics.js';

export interface DatabaseSettings<TSchema extends Record<string, unknown>> {
  url: string;
  schema: TSchema;
  logger: Logger;
  /** Pool size per process; replicas multiply it, so keep it modest. */
  maxConnections?: number;
  applicationName: string;
  /** Set: every statement sent is counted in `db_client_queries_total` (one per round trip to PostgreSQL). */
  metrics?: ServiceMetrics;
}

export interface Database<TSchema extends Record<string, unknown>> {
  pool: pg.Pool;
  db: NodePgDatabase<TSchema>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// Money and counts are bigint columns; parse int8 as a JS number (yen amounts stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

const BEGIN = /^\s*begin\b/i;

const textOf = (query: unknown): string =>
  typeof query === 'string' ? query : typeof query === 'object' && query !== null && 'text' in query ? String(query.text) : '';

/**
 * drizzle-orm 0.45 sends a transaction's BEGIN outside the try/finally that releases its client (drizzle-orm#6241):
 * a BEGIN on a connection that died while idle would keep that client checked out for good, and every database
 * restart would shrink the pool by one until it hangs. So a BEGIN that fails as the first statement of a
 * promise-style checkout (the only kind drizzle makes) releases and discards the client; a later release is a no-op.
 */
const releaseOnFailedBegin = (client: pg.PoolClient): pg.PoolClient => {
  let released = false;
  let first = true;
  const release = (error?: Error | boolean): void => {
    if (released) return;
    released = true;
    client.release(error);
  };
  const query = (...args: unknown[]): unknown => {
    const result: unknown = Reflect.apply(client.query, client, args);
    const guarded = first && BEGIN.test(textOf(args[0]));
    first = false;
    if (!guarded || !(result instanceof Promise)) return result;
    return result.catch((error: unknown) => {
      release(error instanceof Error ? error : true);
      throw error;
    });
  };
  return new Proxy(client, {
    get(target, property) {
      if (property === 'release') return release;
      if (property === 'query') return query;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
};

const guardCheckouts = (pool: pg.Pool): void => {
  const connect = pool.connect.bind(pool);
  // Callback-style checkouts are pool.query's own, which always releases; only promise-style ones need the guard.
  pool.connect = ((callback?: Parameters<pg.Pool['connect']>[0]) =>
    callback ? connect(callback) : connect().then(releaseOnFailedBegin)) as pg.Pool['connect'];
};

const queryCounterOf = (metrics: ServiceMetrics): Counter => {
  const existing = metrics.registry.getSingleMetric('db_client_queries_total');
  if (existing instanceof Counter) return existing as Counter;
  return new Counter({
    name: 'db_client_queries_total',
    help: 'Statements this process sent to PostgreSQL, BEGIN and COMMIT included: each one is a round trip',
    registers: [metrics.registry],
  });
};

/** Counts on the client itself, so pool.query, transactions and LISTEN connections from this pool all count. */
const countQueries = (client: pg.PoolClient, counter: Counter): void => {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    counter.inc();
    return query(...args);
  }) as typeof client.query;
};

/**
 * A pool survives the database going away: broken idle clients are reported and discarded, and the
 * next query opens a fresh connection, so a restarted PostgreSQL heals without restarting the service.
 */
export const connectDatabase = <TSchema extends Record<string, unknown>>(settings: DatabaseSettings<TSchema>): Database<TSchema> => {
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
  const queries = settings.metrics ? queryCounterOf(settings.metrics) : undefined;
  pool.on('connect', (client) => {
    client.on('error', (error) => settings.logger.warn({ err: error }, 'database connection lost while in use'));
    if (queries) countQueries(client, queries);
  });
  guardCheckouts(pool);
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
