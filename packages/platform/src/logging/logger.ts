import { pino, type Logger, type LoggerOptions } from 'pino';
import { activeSpanIds } from '../tracing/tracing.js';
import { batchedStdout } from './batched-stdout.js';

export type { Logger } from 'pino';

export interface LoggerSettings {
  service: string;
  level: string;
  /** Extra structured fields on every line, e.g. the replica's instance id. */
  base?: Record<string, unknown>;
  /** Where lines go; stdout unless a test captures them. */
  destination?: pino.DestinationStream;
}

/** Never let a secret reach a log line, even if someone logs a whole request or config object. */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'accessToken',
  '*.accessToken',
  'token',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'privateKey',
  '*.privateKey',
];

/** Drizzle writes the bound values into the message itself, as a line `params: a,b,c` after the SQL text. */
const BOUND_VALUES_LINE = /\nparams: .*/g;
const withoutBoundValues = (text: unknown): unknown =>
  typeof text === 'string' ? text.replace(BOUND_VALUES_LINE, '\nparams: [not logged]') : text;

/**
 * Query errors from the ORM carry the statement's bound parameters (password hashes, keys, emails), both as a
 * property and inside the message and stack. Logs keep the SQL text and the database's error, never the values.
 */
const serializeError = (error: unknown): unknown => {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  const strip = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    delete record['params'];
    delete record['parameters'];
    record['message'] = withoutBoundValues(record['message']);
    record['stack'] = withoutBoundValues(record['stack']);
    strip(record['cause']);
  };
  strip(serialized);
  return serialized;
};

export const createLogger = (settings: LoggerSettings): Logger => {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: settings.service, pid: process.pid, ...settings.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
    // Correlate every line with the trace it belongs to.
    mixin: () => activeSpanIds() ?? {},
  };
  return pino(options, settings.destination ?? batchedStdout());
};
