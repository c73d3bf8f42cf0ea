import { createLogger, createMetrics, runMigrations, type Logger, type ServiceMetrics } from '@ordering/platform';
import type pg from 'pg';
import { countOf } from './count-of.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** A service's database handle, by shape. */
export interface ServiceDatabase {
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

export interface ServiceTestPartsOptions<Database extends ServiceDatabase> {
  service: string;
  connect(url: string, logger: Logger, metrics: ServiceMetrics): Database;
  migrations: Parameters<typeof runMigrations>[1];
}

export interface ServiceTestParts<Database extends ServiceDatabase> {
  testDatabase: TestDatabase;
  logger: Logger;
  metrics: ServiceMetrics;
  database: Database;
  /** Statements the service's pool has sent so far (db_client_queries_total), BEGIN and COMMIT included. */
  statementsSent(): Promise<number>;
  countOf(table: string, where?: Record<string, unknown>): Promise<number>;
  /** Closes the pool, then drops the scratch database. */
  close(): Promise<void>;
}

/** What every service test starts from: a scratch database of its own, migrated, with a silent logger and fresh metrics. */
export const startServiceTestParts = async <Database extends ServiceDatabase>({
  service,
  connect,
  migrations,
}: ServiceTestPartsOptions<Database>): Promise<ServiceTestParts<Database>> => {
  const testDatabase = await createTestDatabase();
  const logger = createLogger({ service, level: 'silent' });
  const metrics = createMetrics(service);
  const database = connect(testDatabase.url, logger, metrics);
  await runMigrations(database.pool, migrations, logger);
  return {
    testDatabase,
    logger,
    metrics,
    database,
    async statementsSent() {
      const metric = await metrics.registry.getSingleMetric('db_client_queries_total')?.get();
      return metric?.values[0]?.value ?? 0;
    },
    countOf: (table, where) => countOf(database.pool, table, where),
    async close() {
      await database.close();
      await testDatabase.drop();
    },
  };
};
