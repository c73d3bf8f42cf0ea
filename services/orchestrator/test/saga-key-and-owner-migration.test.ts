import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger, runMigrations } from '@ordering/platform';
import { createTestDatabase, type TestDatabase } from '@ordering/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVICE_MIGRATIONS } from '../src/db/migrations.js';
import { connectOrchestratorDatabase, type OrchestratorDatabase } from '../src/db/orchestrator-database.js';
import { orchestratorMigrationsBeforePackages } from './fixtures/migrations-before-packages.js';

/** The migration that renamed order_id/customer_id; the level before it is what an existing database has. */
const KEY_AND_OWNER_MIGRATION = '0006_sagas_business_key_and_owner';

const logger = createLogger({ service: 'orchestrator', level: 'silent' });
let testDatabase: TestDatabase;
let database: OrchestratorDatabase;
let previousLevel: string;

/** A copy of the migrations folder before ADR 23 whose journal stops just before `tag`. */
const migrationsBefore = async (tag: string): Promise<string> => {
  const folder = await orchestratorMigrationsBeforePackages();
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const stop = journal.entries.findIndex((entry) => entry.tag === tag);
  if (stop < 0) throw new Error(`no migration ${tag} in the journal`);
  await writeFile(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, stop) }));
  return folder;
};

beforeEach(async () => {
  testDatabase = await createTestDatabase();
  database = connectOrchestratorDatabase(testDatabase.url, 2, logger);
  previousLevel = await migrationsBefore(KEY_AND_OWNER_MIGRATION);
});

afterEach(async () => {
  await database?.close();
  await testDatabase?.drop();
  await rm(previousLevel, { recursive: true, force: true });
});

const insertOldSaga = async (type: string, orderId: string, customerId: string): Promise<string> => {
  const id = randomUUID();
  await database.pool.query(
    `insert into sagas (id, type, status, current_step, data, version, step_attempt, customer_id, order_id)
     values ($1, $2, 'COMPLETED', 2, $3, 4, 0, $4, $5)`,
    [id, type, JSON.stringify({ orderId, customerId }), customerId, orderId],
  );
  await database.pool.query(`insert into saga_steps (saga_id, step_index, name, status) values ($1, 0, 'createOrder', 'DONE')`, [id]);
  return id;
};

describe('migrating sagas to a business key and an owner', () => {
  it('when a database with sagas at the previous level is migrated, then every saga keeps its order as business key and its customer as owner', async () => {
    await runMigrations(database.pool, [{ name: 'orchestrator', folder: previousLevel }], logger);
    const orderId = randomUUID();
    const customerId = randomUUID();
    const checkout = await insertOldSaga('checkout', orderId, customerId);
    const cancel = await insertOldSaga('cancel-order', orderId, customerId);

    await runMigrations(database.pool, SERVICE_MIGRATIONS, logger);

    const sagas = await database.pool.query(`select id, business_key as "businessKey", owner_id as "ownerId", data from sagas order by id`);
    expect(sagas.rows).toEqual(
      [checkout, cancel].sort().map((id) => ({ id, businessKey: orderId, ownerId: customerId, data: { orderId, customerId } })),
    );
    const steps = await database.pool.query(`select saga_id as "sagaId", status from saga_steps order by saga_id`);
    expect(steps.rows).toEqual([checkout, cancel].sort().map((sagaId) => ({ sagaId, status: 'DONE' })));
  });

  it('when migrated, then sagas are still found by order through an index, and no index names a saga type', async () => {
    await runMigrations(database.pool, SERVICE_MIGRATIONS, logger);

    const indexes = await database.pool.query<{ name: string; definition: string }>(
      `select indexname as name, indexdef as definition from pg_indexes where tablename = 'sagas'`,
    );
    expect(indexes.rows.find((index) => index.name === 'sagas_order_idx')?.definition).toContain('(business_key)');
    expect(indexes.rows.map((index) => index.name)).not.toContain('sagas_one_active_cancel_per_order');
  });
});
