import type { Logger } from '../logging/logger.js';

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

const SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * On SIGTERM/SIGINT: run the steps in order (stop accepting and finish in-flight requests first, close the
 * database last), then exit 0. A step that hangs cannot keep the process past the deadline.
 */
export const registerGracefulShutdown = (logger: Logger, steps: ShutdownStep[]): void => {
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown deadline passed, exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    for (const step of steps) {
      try {
        await step.run();
      } catch (error) {
        logger.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    logger.info('shutdown complete');
    logger.flush?.();
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
};
