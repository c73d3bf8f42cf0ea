import { connectDatabase, type Database, type Logger, type ServiceMetrics, type SqlExecutor, type Transaction } from '@ordering/platform';
import * as schema from './schema.js';

export type AccountDatabase = Database<typeof schema>;

export const connectAccountDatabase = (url: string, poolSize: number, logger: Logger, metrics?: ServiceMetrics): AccountDatabase =>
  connectDatabase({ url, schema, logger, maxConnections: poolSize, applicationName: 'account', ...(metrics ? { metrics } : {}) });

/** The Drizzle handle use cases run queries and transactions on. */
export type AccountDb = AccountDatabase['db'];

/** Either the database or an open transaction: repository functions take part in the caller's transaction. */
export type AccountExecutor = SqlExecutor<typeof schema>;

/** The transaction a message handler runs in: the consumer opens it with `database.db.transaction(...)`. */
export type AccountTx = Transaction<typeof schema>;
