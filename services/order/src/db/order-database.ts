import { connectDatabase, type Database, type Logger } from '@ordering/platform';
import * as schema from './schema.js';

export type OrderDatabase = Database<typeof schema>;

export const connectOrderDatabase = (url: string, poolSize: number, logger: Logger): OrderDatabase =>
  connectDatabase({ url, schema, logger, maxConnections: poolSize, applicationName: 'order' });
