import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/index.js';

const query = async (url: string, sql: string): Promise<pg.QueryResult> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
};

const tableExists = async (url: string, table: string): Promise<boolean> => {
  const result = await query(url, `SELECT to_regclass('public.${table}') IS NOT NULL AS present`);
  return (result.rows[0] as { present: boolean }).present;
};

describe('createTestDatabase', () => {
  const created: TestDatabase[] = [];
  afterEach(async () => {
    await Promise.all(created.splice(0).map((database) => database.drop()));
  });

  it('when two databases are created, then a table created in one is absent from the other', async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    created.push(first, second);

    await query(first.url, 'CREATE TABLE only_in_first (id int PRIMARY KEY)');

    expect(first.url).not.toBe(second.url);
    expect(await tableExists(first.url, 'only_in_first')).toBe(true);
    expect(await tableExists(second.url, 'only_in_first')).toBe(false);
  });

  it('when a database is dropped while a client is still connected, then it no longer exists', async () => {
    const database = await createTestDatabase();
    const lingering = new pg.Client({ connectionString: database.url });
    lingering.on('error', () => undefined);
    await lingering.connect();

    await database.drop();

    await expect(query(database.url, 'SELECT 1')).rejects.toThrow(/does not exist/);
    await lingering.end().catch(() => undefined);
  });
});
