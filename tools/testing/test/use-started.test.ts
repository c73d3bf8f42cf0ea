import { afterAll, describe, expect, it } from 'vitest';
import { stoppedAfterEachTest, useStarted, useStartedPerTest } from '../src/use-started.js';

/** Something with a state and a method that reads it through `this`, as a started service's handle might. */
const aStartable = (log: string[], name: string) => async () => {
  log.push(`start ${name}`);
  return {
    name,
    stopped: false,
    describe() {
      return `I am ${this.name}`;
    },
  };
};

describe('useStarted', () => {
  const log: string[] = [];
  const first = useStarted(aStartable(log, 'first'), async (started) => {
    log.push(`stop ${started.name}`);
  });
  const second = useStarted(async () => ({ ...(await aStartable(log, 'second')()), friend: first.name }));

  afterAll(() => {
    // Started in the order declared; stopped in reverse, after this suite's own afterAll.
    expect(log).toEqual(['start first', 'start second']);
  });

  it('when a test reads the handle, then it reads what the hook started, methods bound to it', () => {
    expect(first.name).toBe('first');
    expect(first.describe()).toBe('I am first');
    expect(second.friend).toBe('first');
    expect({ ...first }).toMatchObject({ name: 'first' });
  });
});

describe('useStartedPerTest', () => {
  let count = 0;
  const fresh = useStartedPerTest(async () => ({ id: ++count }));

  it('when the first test runs, then it has the first one', () => {
    expect(fresh.id).toBe(1);
  });

  it('when the next test runs, then it has a fresh one', () => {
    expect(fresh.id).toBe(2);
  });
});

describe('stoppedAfterEachTest', () => {
  const stopped: number[] = [];
  const { start, stopAll } = stoppedAfterEachTest(
    async (id: number) => ({ id }),
    async (started) => {
      stopped.push(started.id);
    },
  );

  it('when a test starts two, then both run during it', async () => {
    expect([(await start(1)).id, (await start(2)).id]).toEqual([1, 2]);
    expect(stopped).toEqual([]);
  });

  it('when the previous test ended, then what it started was stopped; stopAll stops the rest at once', async () => {
    expect(stopped.sort()).toEqual([1, 2]);
    await start(3);
    await stopAll();
    expect(stopped).toContain(3);
  });
});

describe('a handle read before its suite started', () => {
  const early = useStarted(async () => ({ value: 1 }));
  let failure: unknown;
  try {
    void early.value;
  } catch (error) {
    failure = error;
  }

  it('when it is read at declaration, then it says so', () => {
    expect(String(failure)).toMatch(/read 'value' before the suite started it/);
  });
});
