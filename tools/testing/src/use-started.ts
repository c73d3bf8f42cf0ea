import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

type Stop<T> = (started: T) => Promise<void>;

/** A stand-in for what a hook starts later: it reads the started thing only when a test or hook touches it. */
const handleOf = <T extends object>(current: () => T | undefined): T => {
  const started = (property: PropertyKey): T => {
    const value = current();
    if (!value) throw new Error(`read '${String(property)}' before the suite started it (or after it failed to start)`);
    return value;
  };
  return new Proxy({} as T, {
    get(_, property) {
      const target = started(property);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set: (_, property, value) => Reflect.set(started(property), property, value),
    has: (_, property) => Reflect.has(started(property), property),
    ownKeys: () => Reflect.ownKeys(started('keys')),
    getOwnPropertyDescriptor: (_, property) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(started(property), property);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
};

/**
 * Starts something before the enclosing suite's tests and stops it after them. The handle is usable where the suite
 * declares it, so suites need no `let` and no hooks of their own. Hooks run in the order suites register them and
 * stop in reverse, so a later `useStarted` may use an earlier one.
 */
export const useStarted = <T extends object>(start: () => Promise<T>, stop: Stop<T> = async () => {}): T => {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(async () => {
    if (started) await stop(started);
  });
  return handleOf(() => started);
};

/** As `useStarted`, but a fresh one for every test: for state no test may leave behind for the next. */
export const useStartedPerTest = <T extends object>(start: () => Promise<T>, stop: Stop<T> = async () => {}): T => {
  let started: T | undefined;
  beforeEach(async () => {
    started = await start();
  });
  afterEach(async () => {
    const stopping = started;
    started = undefined;
    if (stopping) await stop(stopping);
  });
  return handleOf(() => started);
};

export interface StartedInTests<Args extends unknown[], T> {
  start(...args: Args): Promise<T>;
  /** Stops what the running test started so far, for a test that must stop it before it goes on. */
  stopAll(): Promise<void>;
}

/**
 * For tests that start their own (each with other settings): whatever a test started is stopped after it, even when
 * the test fails.
 */
export const stoppedAfterEachTest = <Args extends unknown[], T>(
  start: (...args: Args) => Promise<T>,
  stop: Stop<T>,
): StartedInTests<Args, T> => {
  const running: T[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(running.splice(0).map(stop));
  };
  afterEach(stopAll);
  return {
    async start(...args) {
      const started = await start(...args);
      running.push(started);
      return started;
    },
    stopAll,
  };
};
