import { databaseEnv, jwksEnv, parseConfig, serviceEnv, type LogLevel } from '@ordering/platform';
import { Type } from 'typebox';

const OrchestratorEnv = Type.Object({ ...serviceEnv(8084), ...databaseEnv, ...jwksEnv });

export interface OrchestratorConfig {
  port: number;
  host: string;
  logLevel: LogLevel;
  otlpEndpoint: string | undefined;
  databaseUrl: string;
  databasePoolSize: number;
  jwksUrl: string;
}

export const readConfig = (env: Record<string, string | undefined> = process.env): OrchestratorConfig => {
  const values = parseConfig(OrchestratorEnv, env);
  return Object.freeze({
    port: values.PORT,
    host: values.HOST,
    logLevel: values.LOG_LEVEL,
    otlpEndpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT,
    databaseUrl: values.DATABASE_URL,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    jwksUrl: values.JWKS_URL,
  });
};
