import { pino, type Logger, type LoggerOptions } from 'pino';

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

export const createLogger = (settings: LoggerSettings): Logger => {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: settings.service, pid: process.pid, ...settings.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
};
