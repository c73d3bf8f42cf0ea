import { createLogger, type Logger } from '../logging/logger.js';
import { createMetrics, type ServiceMetrics } from '../metrics/metrics.js';
import { instrumentPostgres } from '../tracing/pg-spans.js';
import { startTracing, type Tracing } from '../tracing/tracing.js';
import { exitOnFatalErrors } from './serve.js';

export interface Observability {
  logger: Logger;
  metrics: ServiceMetrics;
  tracing: Tracing;
}

/** Logs, metrics and traces for a service process; call first in main.ts, before anything logs or queries. */
export const startObservability = (service: string, settings: { logLevel: string; otlpEndpoint?: string | undefined }): Observability => {
  const tracing = startTracing({ service, ...(settings.otlpEndpoint ? { otlpEndpoint: settings.otlpEndpoint } : {}) });
  // One span per SQL statement is worth its cost only when someone reads the spans.
  if (tracing.recording) instrumentPostgres();
  const logger = createLogger({ service, level: settings.logLevel });
  exitOnFatalErrors(logger);
  return { logger, metrics: createMetrics(service), tracing };
};
