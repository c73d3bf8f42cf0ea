import type { Socket } from 'node:net';
import { createScratchDatabase } from '@ordering/embedded-database';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { connectDatabase, createLogger, createMetrics } from '../src/index.js';

describe('connectDatabase', () => {
  it('when statements run alone and in a transaction, then db_client_queries_total counts each round trip, BEGIN and COMMIT included', async () => {
    const testDatabase = await createScratchDatabase(inject('postgresUrl'));
    const metrics = createMetrics('test');
    const database = connectDatabase({
      url: testDatabase.url,
      schema: {},
      logger: createLogger({ service: 'test', level: 'silent' }),
      applicationName: 'test',
      metrics,
    });
    const counted = async (): Promise<number> =>
      (await metrics.registry.getSingleMetric('db_client_queries_total')?.get())?.values[0]?.value ?? 0;
    try {
      await database.ping();
      expect(await counted()).toBe(1);
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        await tx.execute(sql`select 2`);
      });
      expect(await counted()).toBe(5);
    } finally {
      await database.close();
      await testDatabase.drop();
    }
  });

  it('when the server terminates a checked-out connection, then the process survives and the pool serves new queries', async () => {
    const testDatabase = await createScratchDatabase(inject('postgresUrl'));
    const database = connectDatabase({
      url: testDatabase.url,
      schema: {},
      logger: createLogger({ service: 'test', level: 'silent' }),
      applicationName: 'test',
    });
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

  it('when a connection dies between checkout and BEGIN, then the transaction fails and its pool slot is given back', async () => {
    const testDatabase = await createScratchDatabase(inject('postgresUrl'));
    // One slot: the second transaction can only run if the failed one released its client.
    const database = connectDatabase({
      url: testDatabase.url,
      schema: {},
      logger: createLogger({ service: 'test', level: 'silent' }),
      applicationName: 'test',
      maxConnections: 1,
    });
    try {
      await database.ping();
      let sabotage = true;
      database.pool.on('acquire', (client) => {
        if (!sabotage) return;
        sabotage = false;
        // The idle connection's server went away while it sat in the pool (a restart, a pooler closing it).
        (client as unknown as { connection: { stream: Socket } }).connection.stream.destroy();
      });

      await expect(database.db.transaction((tx) => tx.execute(sql`select 1`))).rejects.toThrow();

      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<'stuck'>((resolve) => (timer = setTimeout(resolve, 10_000, 'stuck')));
      const next = database.db.transaction(async (tx) => (await tx.execute<{ answer: number }>(sql`select 42 as answer`)).rows[0]?.answer);
      expect(await Promise.race([next, stuck])).toBe(42);
      clearTimeout(timer);
    } finally {
      await database.close();
      await testDatabase.drop();
    }
  }, 60_000);
});
