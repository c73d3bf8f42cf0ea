import { connectDatabase, type Database, type Logger, type ServiceMetrics } from '@ordering/platform';
import * as schema from './schema.js';

export type CustomerDatabase = Database<typeof schema>;

export const connectCustomerDatabase = (url: string, poolSize: number, logger: Logger, metrics?: ServiceMetrics): CustomerDatabase =>
  connectDatabase({ url, schema, logger, maxConnections: poolSize, applicationName: 'customer', ...(metrics ? { metrics } : {}) });

/** A transaction of the customer database, as `messaging.transaction` hands it to its work. */
export type CustomerTx = Parameters<Parameters<CustomerDatabase['db']['transaction']>[0]>[0];
