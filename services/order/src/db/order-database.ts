import { connectDatabase, type Database, type Logger, type ServiceMetrics, type Transaction } from '@ordering/platform';
import * as schema from './schema.js';

export type OrderDatabase = Database<typeof schema>;

export const connectOrderDatabase = (url: string, poolSize: number, logger: Logger, metrics?: ServiceMetrics): OrderDatabase =>
  connectDatabase({ url, schema, logger, maxConnections: poolSize, applicationName: 'order', ...(metrics ? { metrics } : {}) });

export type OrderDb = OrderDatabase['db'];

/** The transaction a message handler runs in: the consumer opens it with `database.db.transaction(...)`. */
export type OrderTx = Transaction<typeof schema>;
