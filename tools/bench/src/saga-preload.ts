import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { readCpuTimes } from './proc-reader.js';

/**
 * `--preload N`: the orchestrator's database as it looks after a month of business, before the load: N finished
 * checkout sagas (COMPLETED, three DONE steps each) created over the past 30 days. Like the real system, only sagas
 * finished within the last 7 days still have their command rows and the inbox rows of their three replies (older
 * ones were removed by the retention passes; none is near the cut-off, so no pass deletes anything during the
 * bench); no outbox rows (sent rows live one hour). Orders and ledger rows in the other services are not written:
 * the measure is the saga store's size.
 *
 * Generated in SQL (generate_series) in one transaction: the tables' indexes and key constraints are dropped and
 * built again after the rows are in (a sort per index and one validation pass per foreign key, instead of millions
 * of random index inserts and key checks; as fast as COPY into an empty table), then VACUUM ANALYZE, so that the
 * visibility map and the planner's statistics are those of a settled table. The definitions are read from the
 * catalog, so the preload follows the schema's indexes as they change. The orchestrator's queries on these tables
 * wait for the transaction (the load has not started yet).
 */

export interface PreloadResult {
  readonly sagas: number;
  readonly steps: number;
  readonly commands: number;
  readonly inboxRows: number;
  /** Writing the rows and building the indexes. */
  readonly insertSeconds: number;
  readonly vacuumAnalyzeSeconds: number;
  readonly seconds: number;
  /** Wall seconds per phase: generating the rows, each table's insert, building indexes and keys. */
  readonly phaseSeconds: Readonly<Record<string, number>>;
  /**
   * CPU seconds of the PostgreSQL backend that did the work (from /proc, when the server is on this machine and
   * readable): unlike the wall time, not stretched by whatever else the machine runs.
   */
  readonly serverCpuSeconds: number | null;
  /** Indexes and key constraints dropped before the rows went in and built again after. */
  readonly indexesAndKeysRebuilt: number;
}

export interface PreloadOptions {
  readonly databaseUrl: string;
  readonly sagas: number;
  /** Menu item ids for the sagas' data (one food and one drink per checkout, as the bench sends). */
  readonly foodIds: readonly string[];
  readonly drinkIds: readonly string[];
}

const TABLES = ['sagas', 'saga_steps', 'saga_commands', 'inbox_messages'] as const;
const SPREAD_DAYS = 30;
/** Command and inbox rows are kept 7 days; a day's margin keeps every preloaded one clear of the cut-off. */
const KEPT_DAYS = 6;
/** Distinct customers the sagas belong to, so the per-customer index looks like a real one. */
const CUSTOMERS = 10_000;
const STEP_NAMES = ['createOrder', 'debitAccount', 'approveOrder'];
const REPLY_TYPES = ['order.CreatePendingOrderReply.v1', 'account.DebitAccountReply.v1', 'order.ApproveOrderReply.v1'];

const literalArray = (values: readonly string[]): string => `ARRAY[${values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ')}]`;

/** Primary keys, unique and foreign-key constraints of the tables (and those of others that point at them). */
const KEY_CONSTRAINTS = `
  SELECT quote_ident(t.relname) AS table, quote_ident(c.conname) AS name, c.contype AS kind, pg_get_constraintdef(c.oid) AS definition
  FROM pg_constraint c
  JOIN pg_class t ON t.oid = c.conrelid
  WHERE t.relnamespace = current_schema()::regnamespace AND c.contype IN ('p', 'u', 'f')
    AND (t.relname = ANY($1) OR c.confrelid IN (SELECT oid FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relname = ANY($1)))`;

/** The other indexes (not behind a constraint), to drop and build again. */
const PLAIN_INDEXES = `
  SELECT quote_ident(ci.relname) AS name, pg_get_indexdef(i.indexrelid) AS definition
  FROM pg_index i
  JOIN pg_class ci ON ci.oid = i.indexrelid
  JOIN pg_class ct ON ct.oid = i.indrelid
  WHERE ct.relnamespace = current_schema()::regnamespace AND ct.relname = ANY($1)
    AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`;

interface KeyConstraint {
  readonly table: string;
  readonly name: string;
  readonly kind: 'p' | 'u' | 'f';
  readonly definition: string;
}

/**
 * Drops the tables' indexes and key constraints (foreign keys first) and returns the statements that put them back
 * as they were (keys, then foreign keys, which are validated in one pass each): a sort per index instead of
 * millions of random inserts into it.
 */
const dropIndexesAndKeys = async (client: pg.Client): Promise<string[]> => {
  const constraints = (await client.query<KeyConstraint>(KEY_CONSTRAINTS, [TABLES])).rows;
  const indexes = (await client.query<{ name: string; definition: string }>(PLAIN_INDEXES, [TABLES])).rows;
  const foreignKeys = constraints.filter((constraint) => constraint.kind === 'f');
  const keys = constraints.filter((constraint) => constraint.kind !== 'f');
  for (const constraint of [...foreignKeys, ...keys])
    await client.query(`ALTER TABLE ${constraint.table} DROP CONSTRAINT ${constraint.name}`);
  for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
  return [
    ...keys.map((constraint) => `ALTER TABLE ${constraint.table} ADD CONSTRAINT ${constraint.name} ${constraint.definition}`),
    ...indexes.map((index) => index.definition),
    ...foreignKeys.map((constraint) => `ALTER TABLE ${constraint.table} ADD CONSTRAINT ${constraint.name} ${constraint.definition}`),
  ];
};

/** One row per saga with everything the other tables derive from: random ids, a time in the past 30 days. */
const generateSagas = (options: PreloadOptions): string => `
  CREATE TEMP TABLE preload_sagas ON COMMIT DROP AS
  SELECT gen_random_uuid() AS id,
         gen_random_uuid() AS order_id,
         md5('bench-preload-customer-' || (i % ${CUSTOMERS}))::uuid AS customer_id,
         (${literalArray(options.foodIds)})[1 + (i % ${options.foodIds.length})] AS food_id,
         (${literalArray(options.drinkIds)})[1 + ((i / ${options.foodIds.length}) % ${options.drinkIds.length})] AS drink_id,
         600 + (i % 23) * 100 AS total,
         created_at,
         created_at + make_interval(secs => 0.04 + random() * 0.2) AS finished_at
  FROM (SELECT i, now() - interval '1 hour' - random() * interval '${SPREAD_DAYS} days' AS created_at FROM generate_series(1, ${options.sagas}) AS i) AS g`;

const INSERT_SAGAS = `
  INSERT INTO sagas (id, type, status, current_step, data, reason, version, step_attempt, deadline_at, owner_id, business_key, created_at, updated_at, finished_at)
  SELECT id, 'checkout', 'COMPLETED', 2,
         jsonb_build_object('orderId', order_id, 'customerId', customer_id, 'total', total,
           'items', jsonb_build_array(jsonb_build_object('menuItemId', food_id, 'quantity', 1), jsonb_build_object('menuItemId', drink_id, 'quantity', 1))),
         NULL, 4, 0, NULL, customer_id, order_id, created_at, finished_at, finished_at
  FROM preload_sagas`;

/** Step k is done a third of the way further through the saga's life for each k. */
const stepTime = 's.created_at + (s.finished_at - s.created_at) * (k + 1) / 3.0';

const INSERT_STEPS = `
  INSERT INTO saga_steps (saga_id, step_index, name, status, attempts, compensation_attempts, updated_at)
  SELECT s.id, k, (${literalArray(STEP_NAMES)})[k + 1], 'DONE', 1, 0, ${stepTime}
  FROM preload_sagas s, generate_series(0, 2) AS k`;

const INSERT_COMMANDS = `
  INSERT INTO saga_commands (message_id, saga_id, step_index, direction, attempt, sent_at)
  SELECT gen_random_uuid(), s.id, k, 'FORWARD', 1, s.created_at + (s.finished_at - s.created_at) * k / 3.0
  FROM preload_sagas s, generate_series(0, 2) AS k
  WHERE s.finished_at > now() - interval '${KEPT_DAYS} days'`;

const INSERT_INBOX = `
  INSERT INTO inbox_messages (consumer, message_id, message_type, received_at)
  SELECT 'orchestrator', gen_random_uuid(), (${literalArray(REPLY_TYPES)})[k + 1], ${stepTime}
  FROM preload_sagas s, generate_series(0, 2) AS k
  WHERE s.finished_at > now() - interval '${KEPT_DAYS} days'`;

const seconds = (from: number): number => Math.round((performance.now() - from) / 10) / 100;

export const preloadSagas = async (options: PreloadOptions): Promise<PreloadResult> => {
  if (options.foodIds.length === 0 || options.drinkIds.length === 0)
    throw new Error('the preload needs at least one food and one drink on the menu');
  const client = new pg.Client({ connectionString: options.databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  const started = performance.now();
  const phaseSeconds: Record<string, number> = {};
  const timed = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const from = performance.now();
    const result = await work();
    phaseSeconds[phase] = seconds(from);
    return result;
  };
  const rows = async (text: string): Promise<number> => (await client.query(text)).rowCount ?? 0;
  try {
    const backendPid = Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
    const cpuBefore = readCpuTimes(backendPid);
    await client.query('BEGIN');
    await client.query("SET LOCAL maintenance_work_mem = '256MB'");
    await client.query("SET LOCAL work_mem = '64MB'");
    const restore = await dropIndexesAndKeys(client);
    await timed('generate', () => client.query(generateSagas(options)));
    const sagas = await timed('sagas', () => rows(INSERT_SAGAS));
    const steps = await timed('saga_steps', () => rows(INSERT_STEPS));
    const commands = await timed('saga_commands', () => rows(INSERT_COMMANDS));
    const inboxRows = await timed('inbox_messages', () => rows(INSERT_INBOX));
    await timed('indexes and keys', async () => {
      for (const statement of restore) await client.query(statement);
    });
    await timed('commit', () => client.query('COMMIT'));
    const insertSeconds = seconds(started);
    const vacuumStarted = performance.now();
    for (const table of TABLES) await client.query(`VACUUM (ANALYZE) ${table}`);
    const vacuumAnalyzeSeconds = seconds(vacuumStarted);
    const cpuAfter = readCpuTimes(backendPid);
    return {
      sagas,
      steps,
      commands,
      inboxRows,
      insertSeconds,
      vacuumAnalyzeSeconds,
      seconds: seconds(started),
      phaseSeconds,
      serverCpuSeconds: cpuBefore && cpuAfter ? Math.round(cpuAfter.ownMs - cpuBefore.ownMs) / 1000 : null,
      indexesAndKeysRebuilt: restore.length,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
};

/** How many sagas the orchestrator's database holds (the preload's plus every run's). */
export const countSagas = async (databaseUrl: string): Promise<number> => {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return Number((await client.query<{ count: string }>('SELECT count(*) AS count FROM sagas')).rows[0]?.count ?? 0);
  } finally {
    await client.end().catch(() => undefined);
  }
};
