import { afterAll, beforeAll } from 'vitest';

/**
 * Something a describe block starts once in beforeAll and ends in afterAll. Hooks registered after this call run once
 * it is up, and their afterAll before it ends (vitest runs afterAll hooks in reverse order).
 */
export interface PerSuite<T> {
  /** The started thing; a test that runs without it fails with "<what> did not start", not a TypeError. */
  readonly get: () => T;
  /** The thing if it started, for failure messages that must not throw. */
  readonly current: () => T | undefined;
}

export const usePerSuite = <T>(what: string, start: () => Promise<T>, end: (started: T) => Promise<void>): PerSuite<T> => {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(async () => {
    if (started !== undefined) await end(started);
  });
  return {
    get: () => {
      if (started === undefined) throw new Error(`${what} did not start`);
      return started;
    },
    current: () => started,
  };
};
