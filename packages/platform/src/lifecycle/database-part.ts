import type pg from 'pg';
import type { ServiceDatabaseSettings } from '../config/service-settings.js';
import { runMigrations } from '../db/run-migrations.js';
import type { Logger } from '../logging/logger.js';
import type { ServiceMetrics } from '../metrics/metrics.js';
import type { ServicePart } from './service-part.js';

/** A service's own `connect<Service>Database`. */
export type ConnectDatabase<D> = (url: string, poolSize: number, logger: Logger, metrics: ServiceMetrics) => D;

/** The service's database: connected and migrated before anything uses it, closed after everything else stopped. */
export const databasePart = <D extends { pool: pg.Pool; close(): Promise<void> }>(
  connect: ConnectDatabase<D>,
  // Typed by runMigrations itself, so this part follows whatever form a service's migrations take.
  migrations: Parameters<typeof runMigrations>[1],
): ServicePart<D, ServiceDatabaseSettings> => ({
  name: 'database',
  open: async ({ config, logger, metrics }) => {
    const database = connect(config.databaseUrl, config.databasePoolSize, logger, metrics);
    await runMigrations(database.pool, migrations, logger);
    return database;
  },
  stop: (database) => database.close(),
});
