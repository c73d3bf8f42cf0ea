import { createScratchDatabase, type ScratchDatabase } from '@ordering/embedded-database';
import { inject } from 'vitest';
import { useStarted, useStartedPerTest } from './use-started.js';

export type TestDatabase = ScratchDatabase;

const serverUrl = (): string => {
  const url = inject('postgresUrl');
  if (typeof url !== 'string' || url === '') {
    throw new Error('no test PostgreSQL: add tools/testing/src/postgres-global-setup.ts to test.globalSetup in vitest.config.ts');
  }
  return url;
};

/** Call inside a test file (it reads what the global setup provided), typically in beforeAll/beforeEach. */
export const createTestDatabase = (): Promise<TestDatabase> => createScratchDatabase(serverUrl());

/** A scratch database for the enclosing suite, dropped after it. */
export const useTestDatabase = (): TestDatabase => useStarted(createTestDatabase, (database) => database.drop());

/** A fresh scratch database for every test of the enclosing suite, dropped after it. */
export const useTestDatabasePerTest = (): TestDatabase => useStartedPerTest(createTestDatabase, (database) => database.drop());
