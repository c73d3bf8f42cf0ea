import pg from 'pg';

/**
 * Database names end up in DDL, which cannot take bind parameters. Restricting them to plain lower-case identifiers
 * keeps quoting predictable (PostgreSQL folds unquoted names to lower case) and makes injection impossible.
 */
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export const assertDatabaseName = (name: string): void => {
  if (!DATABASE_NAME.test(name)) {
    throw new Error(`invalid database name ${JSON.stringify(name)}: use 1-63 lower-case letters, digits or _, starting with a letter or _`);
  }
};

/** The same server and credentials, another database; query parameters such as sslmode are kept. */
export const databaseUrl = (serverUrl: string, name: string): string => {
  assertDatabaseName(name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

/** One short-lived connection for administrative statements; never crashes the process if the server goes away. */
export const withClient = async <T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  // An 'error' event without a listener would crash the process if the server goes away mid-call.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
};

/** Concurrent creators (two launchers, parallel tests) race between the check and CREATE: the loser sees one of these. */
const ALREADY_EXISTS_CODES = new Set(['42P04', '23505']);

/** Creates the database if it is missing and returns its URL. `serverUrl` may name any database the user can reach. */
export const ensureDatabase = async (serverUrl: string, name: string): Promise<string> => {
  assertDatabaseName(name);
  await withClient(serverUrl, async (client) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount !== 0) return;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !ALREADY_EXISTS_CODES.has(code)) throw error;
    }
  });
  return databaseUrl(serverUrl, name);
};

/** FORCE ends the sessions still connected (a pool a test forgot to close) instead of failing. */
export const dropDatabase = async (serverUrl: string, name: string): Promise<void> => {
  assertDatabaseName(name);
  await withClient(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  });
};
