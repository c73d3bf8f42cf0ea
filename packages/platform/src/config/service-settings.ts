import type { LogLevel } from './common-env.js';

/** What every service process reads from `serviceEnv`: where it listens, how much it logs, where its spans go. */
export interface ServiceSettings {
  port: number;
  host: string;
  logLevel: LogLevel;
  otlpEndpoint: string | undefined;
}

/** What a service with a database reads from `databaseEnv`. */
export interface ServiceDatabaseSettings {
  databaseUrl: string;
  databasePoolSize: number;
}

interface ServiceValues {
  PORT: number;
  HOST: string;
  LOG_LEVEL: LogLevel;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
}

interface DatabaseValues {
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
}

/** Maps values parsed with `serviceEnv` to their settings; a config.ts spreads it into its own object. */
export const readServiceSettings = (values: ServiceValues): ServiceSettings => ({
  port: values.PORT,
  host: values.HOST,
  logLevel: values.LOG_LEVEL,
  otlpEndpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT,
});

/** Maps values parsed with `databaseEnv` to their settings. */
export const readDatabaseSettings = (values: DatabaseValues): ServiceDatabaseSettings => ({
  databaseUrl: values.DATABASE_URL,
  databasePoolSize: values.DATABASE_POOL_SIZE,
});
