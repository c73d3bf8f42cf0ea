import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  /** What we are waiting for, for the failure message. */
  readonly what: string;
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** Extra context for the failure message (e.g. the last log lines), computed only on failure. */
  readonly context?: () => string;
}

/**
 * Polls `attempt` until it returns a value other than undefined (a thrown error counts as "not yet"), with a deadline.
 * Every wait in the suite goes through here, so none of them can hang and every one fails with a message saying
 * what it waited for, what the last attempt saw, and (through `context`) what the system logged meanwhile.
 */
export const eventually = async <T>(attempt: () => Promise<T | undefined>, options: EventuallyOptions): Promise<T> => {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt finished';
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
      last = 'the condition did not hold yet';
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      const context = options.context ? `\n${options.context()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what}; last attempt: ${last}${context}`);
    }
    await sleep(intervalMs);
  }
};
