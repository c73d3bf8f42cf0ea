import { withoutTracing, type Logger } from '@ordering/platform';
import type { SagaEngine } from './saga-engine.js';
import type { SagaDatabase } from './saga-repository.js';

export interface SagaSweeperOptions {
  engine: SagaEngine;
  db: SagaDatabase;
  /** Pause between two passes (default 1 s). */
  intervalMs?: number;
  logger: Logger;
}

export interface SagaSweeper {
  start(): void;
  /** Stops scheduling passes and waits for the one in progress, if any. */
  stop(): Promise<void>;
}

/**
 * Runs `engine.sweep` over and over, one pass at a time. A failing pass (the database is down, a deploy restarts
 * PostgreSQL) is logged and the next one runs after the interval: the sweeper never stops on its own.
 */
export const createSagaSweeper = (options: SagaSweeperOptions): SagaSweeper => {
  const intervalMs = options.intervalMs ?? 1000;
  const logger = options.logger.child({ component: 'saga-sweeper' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  const pass = async (): Promise<void> => {
    try {
      // A pass that finds nothing due must not start a trace of its own every second.
      const result = await withoutTracing(() => options.engine.sweep(options.db));
      if (result.claimed > 0) logger.info(result, 'saga sweep pass');
    } catch (error) {
      logger.warn({ err: error }, 'saga sweep pass failed, will try again');
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().finally(() => {
        running = undefined;
        schedule();
      });
    }, intervalMs);
    // Shutdown is explicit (stop); a pending pass must not keep the process alive on its own.
    timer.unref();
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
};
