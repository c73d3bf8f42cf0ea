import { withoutTracing, type Logger } from '@ordering/platform';
import { deleteSettledSagaCommands } from './saga-command-retention.js';
import type { SagaEngine } from './saga-engine.js';
import type { SagaDatabase } from './saga-records.js';

export interface SagaSweeperOptions {
  engine: SagaEngine;
  db: SagaDatabase;
  /** Pause between two passes (default 1 s). */
  intervalMs?: number;
  logger: Logger;
  /** How long finished sagas keep their command rows, and how often the sweeper deletes expired ones. */
  commandRetention?: { retentionMs?: number; intervalMs?: number; batchSize?: number };
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** As long as the inbox remembers message ids by default (messaging's inboxRetentionMs). */
const DEFAULT_COMMAND_RETENTION_MS = 7 * DAY_MS;
const DEFAULT_RETENTION_INTERVAL_MS = 10 * 60 * 1000;
const DEFAULT_RETENTION_BATCH = 500;

export interface SagaSweeper {
  start(): void;
  /** Stops scheduling passes and waits for the one in progress, if any. */
  stop(): Promise<void>;
}

/**
 * Runs `engine.sweep` over and over, one pass at a time, and now and then deletes the command rows of sagas that
 * finished long ago. A failing pass (the database is down, a deploy restarts
 * PostgreSQL) is logged and the next one runs after the interval: the sweeper never stops on its own.
 */
export const createSagaSweeper = (options: SagaSweeperOptions): SagaSweeper => {
  const intervalMs = options.intervalMs ?? 1000;
  const logger = options.logger.child({ component: 'saga-sweeper' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  const retention = {
    retentionMs: options.commandRetention?.retentionMs ?? DEFAULT_COMMAND_RETENTION_MS,
    intervalMs: options.commandRetention?.intervalMs ?? DEFAULT_RETENTION_INTERVAL_MS,
    batchSize: options.commandRetention?.batchSize ?? DEFAULT_RETENTION_BATCH,
  };
  let lastRetentionAt = 0;

  const deleteExpiredCommands = async (): Promise<void> => {
    if (Date.now() - lastRetentionAt < retention.intervalMs) return;
    lastRetentionAt = Date.now();
    const deleted = await withoutTracing(() => deleteSettledSagaCommands(options.db, { ...retention, shouldStop: () => stopped }));
    if (deleted > 0) logger.info({ deleted, retentionMs: retention.retentionMs }, 'deleted the command rows of long-finished sagas');
  };

  const pass = async (): Promise<void> => {
    try {
      // A pass that finds nothing due must not start a trace of its own every second.
      const result = await withoutTracing(() => options.engine.sweep(options.db));
      if (result.claimed > 0) logger.info(result, 'saga sweep pass');
      await deleteExpiredCommands();
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
