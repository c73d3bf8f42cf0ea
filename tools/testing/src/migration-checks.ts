import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, runMigrations, type MigrationSet } from '@ordering/platform';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-database.js';

const BREAKPOINT = '\n--> statement-breakpoint\n';
const silent = createLogger({ service: 'migration-test', level: 'silent' });

interface Journal {
  entries: { tag: string }[];
}

const journalOf = async (folder: string): Promise<Journal> =>
  JSON.parse(await readFile(join(folder, 'meta', '_journal.json'), 'utf8')) as Journal;

/** Every statement a set creates, in order: what a service's old migration had in its place before ADR 23. */
export const sqlOf = async (set: MigrationSet): Promise<string> => {
  const { entries } = await journalOf(set.folder);
  const files = await Promise.all(entries.map((entry) => readFile(join(set.folder, `${entry.tag}.sql`), 'utf8')));
  return files.join(BREAKPOINT);
};

/**
 * A copy of a service's migrations as they were before ADR 23: each emptied file gets back the SQL it had
 * (`restored`: tag → its statements), with the same journal, so a database migrated from it is an existing one.
 */
export const migrationsBeforePackages = async (own: MigrationSet, restored: Record<string, readonly string[]>): Promise<string> => {
  const folder = await mkdtemp(join(tmpdir(), `${own.name}-migrations-`));
  await cp(own.folder, folder, { recursive: true });
  for (const [tag, statements] of Object.entries(restored)) await writeFile(join(folder, `${tag}.sql`), statements.join(BREAKPOINT));
  return folder;
};

/** The tables, columns, indexes and constraints of the public schema, in a stable order. */
const shapeOf = async (pool: pg.Pool) => {
  const query = async (text: string) => (await pool.query(text)).rows;
  return {
    columns: await query(`select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
                           where table_schema = 'public' order by table_name, column_name`),
    indexes: await query(`select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by indexname`),
    constraints:
      await query(`select conrelid::regclass::text as "table", conname, pg_get_constraintdef(oid) as definition from pg_constraint
                               where connamespace = 'public'::regnamespace order by conname`),
  };
};

/** How many rows every public table holds. */
const rowCounts = async (pool: pg.Pool): Promise<Record<string, number>> => {
  const tables = await pool.query<{ name: string }>(
    `select tablename as name from pg_tables where schemaname = 'public' order by tablename`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) counts[name] = Number((await pool.query(`select count(*) from "${name}"`)).rows[0].count);
  return counts;
};

/** The journal rows of every set, by set name: one per applied migration, however many times the sets ran. */
const journalRows = async (pool: pg.Pool, sets: readonly MigrationSet[]): Promise<Record<string, number>> => {
  const rows: Record<string, number> = {};
  for (const set of sets) {
    const table = set.journalTable ?? '__drizzle_migrations';
    rows[set.name] = Number((await pool.query(`select count(*) from drizzle."${table}"`)).rows[0].count);
  }
  return rows;
};

const journalEntries = async (sets: readonly MigrationSet[]): Promise<Record<string, number>> =>
  Object.fromEntries(await Promise.all(sets.map(async (set) => [set.name, (await journalOf(set.folder)).entries.length] as const)));

export interface ServiceMigrationsSubject {
  service: string;
  /** The service's SERVICE_MIGRATIONS. */
  sets: readonly MigrationSet[];
  /** Its own migrations as they were before ADR 23 (see migrationsBeforePackages). */
  migrationsBefore(): Promise<string>;
  /** Rows an existing database holds, in its tables and in the package tables: they must survive adoption. */
  seed: readonly string[];
}

/**
 * The promises of ADR 23 for one service: a fresh database migrates, an existing one adopts the package sets
 * without losing a row and ends in the fresh shape, a second run changes nothing, and replicas take turns.
 */
export const describeServiceMigrations = ({ service, sets, migrationsBefore, seed }: ServiceMigrationsSubject): void => {
  describe(`${service} migrations`, () => {
    const cleanups: (() => Promise<void>)[] = [];

    const openDatabase = async (): Promise<{ database: TestDatabase; pool: pg.Pool }> => {
      const database = await createTestDatabase();
      const pool = new pg.Pool({ connectionString: database.url, max: 2 });
      cleanups.push(async () => {
        await pool.end();
        await database.drop();
      });
      return { database, pool };
    };

    const migratedFresh = async (): Promise<pg.Pool> => {
      const { pool } = await openDatabase();
      await runMigrations(pool, sets, silent);
      return pool;
    };

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('when a fresh database is migrated, then every set records each of its migrations in its own journal and the tables take rows', async () => {
      const pool = await migratedFresh();

      expect(await journalRows(pool, sets)).toEqual(await journalEntries(sets));
      for (const statement of seed) expect((await pool.query(statement)).rowCount).toBe(1);
    });

    it('when a database migrated before ADR 23 is migrated, then it keeps its rows and ends in the shape of a fresh one', async () => {
      const { pool } = await openDatabase();
      const before = await migrationsBefore();
      cleanups.push(() => rm(before, { recursive: true, force: true }));
      const own = sets[sets.length - 1]!;
      await runMigrations(pool, [{ ...own, folder: before }], silent);
      for (const statement of seed) await pool.query(statement);
      const rows = await rowCounts(pool);

      await runMigrations(pool, sets, silent);

      // Tables that migrations newer than the old ones create start empty; every other table keeps its rows.
      const after = await rowCounts(pool);
      expect(Object.fromEntries(Object.keys(rows).map((table) => [table, after[table]]))).toEqual(rows);
      for (const [table, count] of Object.entries(after)) if (!(table in rows)) expect(count, `${table} (created since)`).toBe(0);
      expect(await shapeOf(pool)).toEqual(await shapeOf(await migratedFresh()));
      expect(await journalRows(pool, sets)).toEqual(await journalEntries(sets));
    });

    it('when the migrations run a second time, then nothing changes', async () => {
      const pool = await migratedFresh();
      const shape = await shapeOf(pool);
      const journals = await journalRows(pool, sets);

      await runMigrations(pool, sets, silent);

      expect(await shapeOf(pool)).toEqual(shape);
      expect(await journalRows(pool, sets)).toEqual(journals);
    });

    it('when replicas migrate a fresh database at once, then they take turns and each migration is applied once', async () => {
      const { database } = await openDatabase();
      const replicas = Array.from({ length: 3 }, () => new pg.Pool({ connectionString: database.url, max: 1 }));
      cleanups.push(async () => {
        await Promise.all(replicas.map((replica) => replica.end()));
      });

      await Promise.all(replicas.map((replica) => runMigrations(replica, sets, silent)));

      expect(await journalRows(replicas[0]!, sets)).toEqual(await journalEntries(sets));
    });
  });
};

/** One row for each table a package migrates, as an existing database holds them (test data for `seed`). */
export const packageTableRows = {
  outboxMessage: `insert into outbox_messages (message_id, message_type, destination, envelope) values (gen_random_uuid(), 'OrderCreated', 'order', '{}')`,
  inboxMessage: `insert into inbox_messages (consumer, message_id, message_type) values ('test', gen_random_uuid(), 'DebitAccount')`,
  deadLetter: `insert into dead_letters (consumer, message, error, attempts) values ('test', '{}', 'boom', 5)`,
  idempotencyKey: `insert into idempotency_keys (customer_id, route, key, request_hash) values (gen_random_uuid(), 'POST /api/test', 'k-1', 'h')`,
  saga: `insert into sagas (id, type, status, current_step, data, version, step_attempt, owner_id, business_key)
         values (gen_random_uuid(), 'checkout', 'COMPLETED', 2, '{}', 4, 0, gen_random_uuid()::text, gen_random_uuid()::text)`,
} as const;
