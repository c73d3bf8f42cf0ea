import { createTestDatabase } from '@ordering/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { connectDatabase, createLogger } from '../src/index.js';

describe('connectDatabase', () => {
  it('when the server terminates a checked-out connection, then the process survives and the pool serves new queries', async () => {
    const testDatabase = await createTestDatabase();
    const database = connectDatabase({ url: testDatabase.url, schema: {}, logger: createLogger({ service: 'test', level: 'silent' }), applicationName: 'test' });
    const admin = new pg.Client({ connectionString: testDatabase.url });
    await admin.connect();
    try {
      const client = await database.pool.connect();
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      // Like a PostgreSQL restart while a relay holds its claim transaction open: the server drops the connection.
      await admin.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
      await expect(client.query('select 1')).rejects.toThrow();
      client.release(true);
      await expect(database.ping()).resolves.toBeUndefined();
    } finally {
      await admin.end();
      await database.close();
      await testDatabase.drop();
    }
  });
});
