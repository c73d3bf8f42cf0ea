import { cleanupExpiredMessages } from './expired-message-cleanup.js';
import type { RelayContext } from './relay-context.js';

const runCleanup = async ({ db, settings, state, log, cleanupFailures }: RelayContext): Promise<void> => {
  try {
    const removed = await cleanupExpiredMessages(db, {
      outboxRetentionMs: settings.retentionMs,
      inboxRetentionMs: settings.inboxRetentionMs,
      batchSize: settings.cleanupBatchSize,
      shouldStop: () => state.stopping,
    });
    cleanupFailures.reset();
    if (removed.outbox + removed.inbox + removed.attempts > 0) log.debug(removed, 'expired messaging rows deleted');
  } catch (error) {
    cleanupFailures.warn({ err: error }, 'expired messaging rows could not be deleted, will try again');
  }
};

/** Deletes expired rows every `cleanupIntervalMs` until stop(); the run in progress is `state.cleanup`. */
export const scheduleCleanup = (context: RelayContext): void => {
  const { state } = context;
  state.cleanupTimer = setTimeout(() => {
    state.cleanup = runCleanup(context).finally(() => {
      state.cleanup = undefined;
      if (!state.stopping) scheduleCleanup(context);
    });
  }, context.settings.cleanupIntervalMs);
  state.cleanupTimer.unref();
};
