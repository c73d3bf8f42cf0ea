import { randomBytes } from 'node:crypto';
import { databaseUrl, dropDatabase, ensureDatabase } from '@ordering/launcher';
import { inject } from 'vitest';
import './provided-context.js';

export interface TestDatabase {
  /** Connection URL of a fresh, empty database that only this caller uses. */
  readonly url: string;
  readonly name: string;
  /** Drops it, ending any connection still open (WITH (FORCE)). */
  drop(): Promise<void>;
}

const serverUrl = (): string => {
  const url = inject('postgresUrl');
  if (typeof url !== 'string' || url === '') {
    throw new Error('no test PostgreSQL: add tools/testing/src/postgres-global-setup.ts to test.globalSetup in vitest.config.ts');
  }
  return url;
};

/** Call inside a test file (it reads what the global setup provided), typically in beforeAll/beforeEach. */
export const createTestDatabase = async (): Promise<TestDatabase> => {
  const server = serverUrl();
  const name = `t_${randomBytes(8).toString('hex')}`;
  await ensureDatabase(server, name);
  return { url: databaseUrl(server, name), name, drop: () => dropDatabase(server, name) };
};
