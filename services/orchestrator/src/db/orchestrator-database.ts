import { connectDatabase, type Database, type Logger, type ServiceMetrics, type Transaction } from '@ordering/platform';
import * as schema from './schema.js';

export type OrchestratorDatabase = Database<typeof schema>;

export const connectOrchestratorDatabase = (
  url: string,
  poolSize: number,
  logger: Logger,
  metrics?: ServiceMetrics,
): OrchestratorDatabase =>
  connectDatabase({ url, schema, logger, maxConnections: poolSize, applicationName: 'orchestrator', ...(metrics ? { metrics } : {}) });

/** A transaction of the orchestrator database, as `messaging.transaction` hands it to its work. */
export type OrchestratorTx = Transaction<typeof schema>;
