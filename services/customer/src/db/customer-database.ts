import { connectDatabase, type Database, type Logger, type ServiceMetrics, type Transaction, type SqlExecutor } from '@ordering/platform';
import * as schema from './schema.js';

export type CustomerDatabase = Database<typeof schema>;

export const connectCustomerDatabase = (url: string, poolSize: number, logger: Logger, metrics?: ServiceMetrics): CustomerDatabase =>
  connectDatabase({ url, schema, logger, maxConnections: poolSize, applicationName: 'customer', ...(metrics ? { metrics } : {}) });

/** A transaction of the customer database, as `messaging.transaction` hands it to its work. */
export type CustomerTx = Transaction<typeof schema>;

/** The database or a transaction on it: repository functions take either, so callers choose the unit of work. */
export type CustomerExecutor = SqlExecutor<typeof schema>;
