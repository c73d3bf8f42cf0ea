import { describe, expect, it, vi } from 'vitest';
import {
  nextRestartDelay,
  superviseProcess,
  type BackoffPolicy,
  type ProcessExit,
  type RunningProcess,
} from '../src/process-supervisor.js';

const POLICY: BackoffPolicy = { initialMs: 250, maxMs: 10_000, resetAfterMs: 30_000 };
const FAST: BackoffPolicy = { initialMs: 5, maxMs: 40, resetAfterMs: 60_000 };

/** A stand-in process whose death the test decides. */
interface FakeProcess extends RunningProcess {
  die(exit?: ProcessExit): void;
  stopped: boolean;
}

const fakeProcess = (pid: number): FakeProcess => {
  let die: (exit: ProcessExit) => void = () => undefined;
  const exited = new Promise<ProcessExit>((resolve) => (die = resolve));
  const fake: FakeProcess = {
    pid,
    exited,
    stopped: false,
    die: (exit = { code: 1, signal: null }) => die(exit),
    stop: async () => {
      fake.stopped = true;
      die({ code: 0, signal: null });
      await exited;
    },
  };
  return fake;
};

/** A supervisor with the fast backoff, launching what `launch` gives, and its log as a mock. */
const superviseFast = (name: string, launch: () => Promise<RunningProcess>) => {
  const log = vi.fn();
  return { log, supervisor: superviseProcess({ name, backoff: FAST, log, launch }) };
};

describe('nextRestartDelay', () => {
  it('when a process dies for the first time, then it is restarted after the initial delay', () => {
    expect(nextRestartDelay(undefined, 100, POLICY)).toBe(250);
  });

  it('when it keeps dying quickly, then the delay doubles up to the maximum', () => {
    const delays: number[] = [];
    let delay: number | undefined;
    for (let i = 0; i < 8; i += 1) {
      delay = nextRestartDelay(delay, 100, POLICY);
      delays.push(delay);
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('when it ran healthily for the reset period before dying, then the delay starts over', () => {
    expect(nextRestartDelay(10_000, 30_000, POLICY)).toBe(250);
  });
});

describe('superviseProcess', () => {
  it('when the process dies, then it is launched again and the restart is logged with the exit reason', async () => {
    const launched: FakeProcess[] = [];
    const { log, supervisor } = superviseFast('order', async () => {
      const fake = fakeProcess(100 + launched.length);
      launched.push(fake);
      return fake;
    });
    await supervisor.start();

    launched[0]?.die({ code: null, signal: 'SIGKILL' });

    await vi.waitFor(() => expect(supervisor.pid()).toBe(101), { timeout: 10_000 });
    expect(supervisor.restarts()).toBe(1);
    expect(log).toHaveBeenCalledWith('order exited (signal SIGKILL), restarting in 5 ms');
    await supervisor.stop();
  });

  it('when a relaunch fails, then it is retried with a longer delay', async () => {
    let attempts = 0;
    const first = fakeProcess(1);
    const { log, supervisor } = superviseFast('postgres', async () => {
      attempts += 1;
      if (attempts === 1) return first;
      if (attempts === 2) throw new Error('shared memory still in use\nmore detail');
      return fakeProcess(3);
    });
    await supervisor.start();

    first.die();

    await vi.waitFor(() => expect(supervisor.pid()).toBe(3), { timeout: 10_000 });
    expect(log).toHaveBeenCalledWith('postgres failed to start (shared memory still in use), restarting in 10 ms');
    await supervisor.stop();
  });

  it('when stopped, then the process is stopped and not restarted', async () => {
    const fake = fakeProcess(7);
    const launch = vi.fn(async () => fake);
    const { supervisor } = superviseFast('account', launch);
    await supervisor.start();

    await supervisor.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(fake.stopped).toBe(true);
    expect(launch).toHaveBeenCalledTimes(1);
    expect(supervisor.pid()).toBeUndefined();
  });

  it('when stop() arrives while a launch is in flight, then the freshly launched process is stopped too', async () => {
    const fake = fakeProcess(9);
    let finishLaunch: () => void = () => undefined;
    const supervisor = superviseProcess({
      name: 'gateway',
      log: () => undefined,
      launch: () => new Promise<RunningProcess>((resolve) => (finishLaunch = () => resolve(fake))),
    });
    const starting = supervisor.start();

    const stopping = supervisor.stop();
    finishLaunch();
    await Promise.all([starting, stopping]);

    expect(fake.stopped).toBe(true);
  });

  it('when the first launch fails, then start() rejects', async () => {
    const supervisor = superviseProcess({
      name: 'postgres',
      log: () => undefined,
      launch: async () => {
        throw new Error('port in use');
      },
    });

    await expect(supervisor.start()).rejects.toThrow('port in use');
  });
});
