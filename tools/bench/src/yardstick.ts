import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import pg from 'pg';
import { databaseUrl, dropDatabase, ensureDatabase, withClient } from '@ordering/embedded-database';
import { summarizeLatencies, type LatencySummary } from './latency-stats.js';
import { DRINK_ID, FOOD_ID, PGBENCH_SCRIPT, YARDSTICK_SCHEMA, customerIdSql, seedAccountsSql } from './yardstick-schema.js';

/**
 * The yardstick: the business writes of one checkout as ONE SQL transaction, on the same PostgreSQL server, at the
 * same client concurrency. pgbench (C, prepared statements) when it is installed, else a node-postgres loop.
 */

export interface YardstickResult {
  readonly tool: 'pgbench' | 'node-postgres';
  /** The clients actually used: the requested concurrency, unless the server had fewer free connections. */
  readonly concurrency: number;
  readonly requestedConcurrency: number;
  readonly seconds: number;
  readonly transactions: number;
  readonly transactionsPerSecond: number;
  readonly latencyMs: LatencySummary;
  /** Orders APPROVED with exactly one DEBIT entry each, counted afterwards: the writes really happened. */
  readonly approvedOrders: number;
}

const execFileAsync = promisify(execFile);

export const pgbenchAvailable = async (): Promise<boolean> =>
  execFileAsync('pgbench', ['--version']).then(
    () => true,
    () => false,
  );

/** pgbench's per-transaction log: `client_id transaction_no time_us script_no epoch epoch_us`. */
const readPgbenchLatencies = async (dir: string): Promise<number[]> => {
  const files = (await readdir(dir)).filter((name) => name.startsWith('pgbench_log'));
  const latencies: number[] = [];
  for (const file of files) {
    for (const line of (await readFile(path.join(dir, file), 'utf8')).split('\n')) {
      const micros = Number(line.split(' ')[2]);
      if (line !== '' && Number.isFinite(micros)) latencies.push(micros / 1000);
    }
  }
  return latencies;
};

const runPgbench = async (
  url: string,
  concurrency: number,
  seconds: number,
  customers: number,
): Promise<{ transactions: number; elapsed: number; latencies: number[] }> => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordering-yardstick-'));
  try {
    const script = path.join(dir, 'checkout.sql');
    await writeFile(script, PGBENCH_SCRIPT);
    const args = [
      '-n',
      '-M',
      'prepared',
      '-c',
      String(concurrency),
      '-j',
      String(Math.min(concurrency, os.availableParallelism())),
      '-T',
      String(seconds),
      '-D',
      `customers=${customers}`,
      '-f',
      script,
      '-l',
      '--log-prefix',
      path.join(dir, 'pgbench_log'),
      url,
    ];
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('pgbench', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`pgbench exited with ${code}:\n${text.slice(-2000)}`))));
    });
    const processed = /number of transactions actually processed: (\d+)/.exec(output);
    const failed = /number of failed transactions: (\d+)/.exec(output);
    if (!processed) throw new Error(`could not read pgbench's output:\n${output.slice(-2000)}`);
    if (failed && Number(failed[1]) > 0) throw new Error(`pgbench had ${failed[1]} failed transactions:\n${output.slice(-2000)}`);
    // pgbench's own rate leaves out the time spent connecting; the elapsed time follows from it.
    const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1] ?? Number.NaN);
    const transactions = Number(processed[1]);
    return {
      transactions,
      elapsed: Number.isFinite(tps) && tps > 0 ? transactions / tps : seconds,
      latencies: await readPgbenchLatencies(dir),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

/** The same transaction from node-postgres, one pooled client per concurrent loop. */
const runNodeLoop = async (
  url: string,
  concurrency: number,
  seconds: number,
  customers: number,
): Promise<{ transactions: number; elapsed: number; latencies: number[] }> => {
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  pool.on('error', () => undefined);
  const latencies: number[] = [];
  const started = performance.now();
  const endsAt = started + seconds * 1000;
  const loop = async (): Promise<void> => {
    const client = await pool.connect();
    try {
      while (performance.now() < endsAt) {
        const t0 = performance.now();
        await checkoutTransaction(client, 1 + Math.floor(Math.random() * customers));
        latencies.push(performance.now() - t0);
      }
    } finally {
      client.release();
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, loop));
  } finally {
    await pool.end();
  }
  return { transactions: latencies.length, elapsed: (performance.now() - started) / 1000, latencies };
};

const checkoutTransaction = async (client: pg.PoolClient, customer: number): Promise<void> => {
  await client.query('BEGIN');
  try {
    const ids = await client.query<{ order_id: string; customer_id: string }>({
      name: 'ids',
      text: `SELECT gen_random_uuid() AS order_id, ${customerIdSql('$1')} AS customer_id`,
      values: [customer],
    });
    const { order_id: orderId, customer_id: customerId } = ids.rows[0] as { order_id: string; customer_id: string };
    const menu = await client.query<{ id: string; name: string; price: string }>({
      name: 'menu',
      text: 'SELECT id, name, price FROM menu_items WHERE id = ANY($1) AND available',
      values: [[FOOD_ID, DRINK_ID]],
    });
    const lines = menu.rows.map((row, i) => ({ ...row, lineNo: i + 1, price: Number(row.price) }));
    const total = lines.reduce((sum, line) => sum + line.price, 0);
    await client.query({
      name: 'order',
      text: "INSERT INTO orders (id, customer_id, status, total) VALUES ($1, $2, 'PENDING', $3)",
      values: [orderId, customerId, total],
    });
    for (const line of lines) {
      await client.query({
        name: 'line',
        text: 'INSERT INTO order_items (order_id, line_no, menu_item_id, name, quantity, unit_price, subtotal) VALUES ($1, $2, $3, $4, 1, $5, $5)',
        values: [orderId, line.lineNo, line.id, line.name, line.price],
      });
    }
    const debit = await client.query<{ balance: string }>({
      name: 'debit',
      text: 'UPDATE accounts SET balance = balance - $2, updated_at = now() WHERE customer_id = $1 AND balance >= $2 RETURNING balance',
      values: [customerId, total],
    });
    if (debit.rowCount !== 1) throw new Error('the yardstick account ran out of money');
    await client.query({
      name: 'ledger',
      text: "INSERT INTO ledger_entries (id, customer_id, kind, amount, balance_after, order_id) VALUES (gen_random_uuid(), $1, 'DEBIT', $2, $3, $4)",
      values: [customerId, total, debit.rows[0]?.balance, orderId],
    });
    await client.query({
      name: 'approve',
      text: "UPDATE orders SET status = 'APPROVED', updated_at = now() WHERE id = $1 AND status = 'PENDING'",
      values: [orderId],
    });
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
};

const countApproved = (url: string): Promise<number> =>
  withClient(url, async (client) => {
    const result = await client.query<{ approved: string }>(
      "SELECT count(*) AS approved FROM orders o WHERE o.status = 'APPROVED' AND (SELECT count(*) FROM ledger_entries l WHERE l.order_id = o.id AND l.kind = 'DEBIT') = 1",
    );
    return Number(result.rows[0]?.approved ?? 0);
  });

export interface YardstickOptions {
  readonly serverUrl: string;
  readonly concurrency: number;
  readonly seconds: number;
  readonly customers: number;
  readonly usePgbench: boolean;
}

/** Connections left for us: the services' pools hold some, and PostgreSQL keeps a few for superusers. */
const freeConnections = (url: string): Promise<number> =>
  withClient(url, async (client) => {
    const result = await client.query<{ free: number }>(
      "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int - (SELECT count(*) FROM pg_stat_activity)::int AS free",
    );
    return Number(result.rows[0]?.free ?? 0);
  });

const TOO_MANY_CLIENTS = /too many clients|remaining connection slots/i;

/** Room for the count query and a little slack for a service opening a connection meanwhile. */
const CONNECTION_HEADROOM = 5;

/** Creates a scratch database, runs the yardstick, counts what it wrote, drops the database. */
export const runYardstick = async (options: YardstickOptions): Promise<YardstickResult> => {
  const name = `bench_yardstick_${randomBytes(4).toString('hex')}`;
  const url = await ensureDatabase(options.serverUrl, name);
  try {
    await withClient(url, async (client) => {
      await client.query(YARDSTICK_SCHEMA);
      await client.query(seedAccountsSql(options.customers));
    });
    const seconds = Math.max(1, Math.round(options.seconds));
    const attempt = async (limit: number): Promise<{ concurrency: number; run: Awaited<ReturnType<typeof runPgbench>> }> => {
      const concurrency = Math.max(1, Math.min(limit, (await freeConnections(url)) - CONNECTION_HEADROOM));
      const run = options.usePgbench
        ? await runPgbench(databaseUrl(options.serverUrl, name), concurrency, seconds, options.customers)
        : await runNodeLoop(url, concurrency, seconds, options.customers);
      return { concurrency, run };
    };
    // A shared server (production mode) gains and loses other clients meanwhile: once, with what is free now, at most half.
    const { concurrency, run } = await attempt(options.concurrency).catch(async (error: unknown) => {
      if (!TOO_MANY_CLIENTS.test(error instanceof Error ? error.message : String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return attempt(Math.max(1, Math.floor(options.concurrency / 2)));
    });
    return {
      tool: options.usePgbench ? 'pgbench' : 'node-postgres',
      concurrency,
      requestedConcurrency: options.concurrency,
      seconds: run.elapsed,
      transactions: run.transactions,
      transactionsPerSecond: Math.round((run.transactions / run.elapsed) * 10) / 10,
      latencyMs: summarizeLatencies(run.latencies),
      approvedOrders: await countApproved(url),
    };
  } finally {
    await dropDatabase(options.serverUrl, name);
  }
};
