import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logging/logger.js';
import { registerGracefulShutdown, type ShutdownStep } from './graceful-shutdown.js';

export interface ServeOptions {
  app: FastifyInstance;
  host: string;
  port: number;
  logger: Logger;
  /** Run after the HTTP server has drained, in order (e.g. flush the outbox, then close the database). */
  afterHttpClosed: ShutdownStep[];
}

let fatalHandlersInstalled = false;

/**
 * A crash must be loud and final: the supervisor (launcher or Kubernetes) restarts a clean process. Logged through the
 * service's logger, so even a start-up failure (a rejected top-level await) is one JSON line without secrets.
 */
export const exitOnFatalErrors = (logger: Logger): void => {
  if (fatalHandlersInstalled) return;
  fatalHandlersInstalled = true;
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection');
    process.exit(1);
  });
};

export const serve = async (options: ServeOptions): Promise<void> => {
  exitOnFatalErrors(options.logger);
  registerGracefulShutdown(options.logger, [{ name: 'http', run: () => options.app.close() }, ...options.afterHttpClosed]);
  await options.app.listen({ host: options.host, port: options.port });
};
