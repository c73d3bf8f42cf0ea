import type { Logger } from '@ordering/platform';

/**
 * A failure that repeats every few hundred milliseconds (the database is down, a peer is down) is logged at most
 * once per interval, with the number of occurrences that were not logged.
 */
export const createRateLimitedLog = (logger: Logger, intervalMs = 10_000) => {
  let lastLoggedAt = -Infinity;
  let suppressed = 0;
  const at =
    (level: 'warn' | 'error') =>
    (fields: Record<string, unknown>, message: string): void => {
      const now = Date.now();
      if (now - lastLoggedAt < intervalMs) {
        suppressed += 1;
        return;
      }
      logger[level]({ ...fields, ...(suppressed > 0 ? { suppressed } : {}) }, message);
      lastLoggedAt = now;
      suppressed = 0;
    };
  return {
    warn: at('warn'),
    error: at('error'),
    /** After recovery the next failure is logged at once. */
    reset(): void {
      lastLoggedAt = -Infinity;
      suppressed = 0;
    },
  };
};
