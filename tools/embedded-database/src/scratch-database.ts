import { randomBytes } from 'node:crypto';
import { databaseUrl, dropDatabase, ensureDatabase } from './postgres-admin.js';

export interface ScratchDatabase {
  /** Connection URL of a fresh, empty database that only this caller uses. */
  readonly url: string;
  readonly name: string;
  /** Drops it, ending any connection still open (WITH (FORCE)). */
  drop(): Promise<void>;
}

/** A database `t_<random hex>` of its own on the server at `serverUrl`, for one test file or one test. */
export const createScratchDatabase = async (serverUrl: string): Promise<ScratchDatabase> => {
  const name = `t_${randomBytes(8).toString('hex')}`;
  await ensureDatabase(serverUrl, name);
  return { url: databaseUrl(serverUrl, name), name, drop: () => dropDatabase(serverUrl, name) };
};
