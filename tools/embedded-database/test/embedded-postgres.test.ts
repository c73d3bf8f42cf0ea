import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/embedded-postgres.js';

/** Not @ordering/testing's helper: that package depends on this one. */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

const query = async (url: string, sql: string, values: unknown[] = []): Promise<pg.QueryResult> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
};

/** Every process, not only our children: an orphaned backend would show up here. */
const processesUsing = (dataDir: string): string[] =>
  execFileSync('ps', ['-eo', 'pid,stat,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dataDir) && !/\sZ/.test(line));

describe('startEmbeddedPostgres', () => {
  let dataDir: string;
  let port: number;
  let server: EmbeddedPostgres | undefined;

  beforeAll(async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'embedded-postgres-test-'));
    // mkdtemp makes it 0700; as root, PostgreSQL runs as another user that must be able to enter it.
    await chmod(parent, 0o755);
    dataDir = path.join(parent, 'cluster');
    port = await freePort();
  });
  afterAll(async () => {
    await server?.stop();
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  // initdb and a crash recovery can each take longer than the default test timeout on a loaded machine.
  const CLUSTER_START_MS = 120_000;

  it(
    'when started on an empty directory, then it initialises a cluster and creates databases idempotently',
    async () => {
      server = await startEmbeddedPostgres({ dataDir, port });

      expect(server.url).toBe(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
      const url = await server.ensureDatabase('order');
      expect(await server.ensureDatabase('order')).toBe(url);
      await query(url, 'CREATE TABLE kept (value text)');
      await query(url, "INSERT INTO kept VALUES ('before the crash')");
      const encoding = await query(
        url,
        'SELECT pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = current_database()',
      );
      expect(encoding.rows[0]).toEqual({ encoding: 'UTF8' });
    },
    CLUSTER_START_MS,
  );

  it('when a database name is not a plain identifier, then it is refused', async () => {
    await expect(server?.ensureDatabase('x; DROP DATABASE postgres')).rejects.toThrow(/invalid database name/);
  });

  it(
    'when the server is killed with SIGKILL, then the unexpected exit is reported and a restart recovers the data',
    async () => {
      const crashed = server as EmbeddedPostgres;
      const reported = new Promise((resolve) => crashed.onUnexpectedExit(resolve));

      process.kill(crashed.pid, 'SIGKILL');

      expect(await reported).toEqual({ code: null, signal: 'SIGKILL', expected: false });
      server = await startEmbeddedPostgres({ dataDir, port });
      const rows = await query(server.databaseUrl('order'), 'SELECT value FROM kept');
      expect(rows.rows).toEqual([{ value: 'before the crash' }]);
    },
    CLUSTER_START_MS,
  );

  it('when stopped, then the exit is expected and no process of the cluster is left', async () => {
    const stopped = server as EmbeddedPostgres;

    await stopped.stop();
    server = undefined;

    expect(await stopped.exited).toMatchObject({ expected: true });
    expect(processesUsing(dataDir)).toEqual([]);
  });
});
