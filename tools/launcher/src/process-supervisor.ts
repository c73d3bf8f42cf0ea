export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What a supervisor needs from anything it keeps alive: a service process or the embedded PostgreSQL server. */
export interface RunningProcess {
  readonly pid: number;
  /** Settles when the process is gone, for whatever reason. */
  readonly exited: Promise<ProcessExit>;
  /** Graceful first, forceful after a grace period; settles when the process is gone. Safe to call twice. */
  stop(): Promise<void>;
}

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** A process that ran this long before dying is considered to have been healthy: start again from initialMs. */
  readonly resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ initialMs: 250, maxMs: 10_000, resetAfterMs: 30_000 });

/** `previousMs` is the delay used before the last restart, undefined if there was none. */
export const nextRestartDelay = (previousMs: number | undefined, uptimeMs: number, policy: BackoffPolicy): number => {
  if (previousMs === undefined || uptimeMs >= policy.resetAfterMs) return policy.initialMs;
  return Math.min(previousMs * 2, policy.maxMs);
};

export const describeExit = (exit: ProcessExit): string =>
  exit.signal !== null ? `signal ${exit.signal}` : exit.code !== null ? `code ${exit.code}` : 'failed to run';

export interface SupervisorOptions {
  readonly name: string;
  readonly launch: () => Promise<RunningProcess>;
  readonly log: (message: string) => void;
  readonly backoff?: BackoffPolicy;
  /** Called whenever the pid changes (started, exited, restarted), e.g. to rewrite the state file. */
  readonly onChange?: () => void;
}

export interface SupervisedProcess {
  readonly name: string;
  /** Undefined while the process is down between restarts. */
  pid(): number | undefined;
  restarts(): number;
  /** The first launch. Rejects if it fails: a process that cannot start at all is a configuration problem. */
  start(): Promise<void>;
  /** Stops supervising and stops the process; idempotent. */
  stop(): Promise<void>;
}

export const superviseProcess = (options: SupervisorOptions): SupervisedProcess => {
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  let current: RunningProcess | undefined;
  let launching: Promise<RunningProcess> | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let lastDelay: number | undefined;
  let restartCount = 0;
  let stopping = false;

  const scheduleRestart = (delay: number, reason: string): void => {
    lastDelay = delay;
    options.log(`${options.name} ${reason}, restarting in ${delay} ms`);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      restartCount += 1;
      void launchAndWatch().catch((error: unknown) => {
        if (stopping) return;
        const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
        scheduleRestart(nextRestartDelay(lastDelay, 0, policy), `failed to start (${message})`);
      });
    }, delay);
  };

  const watch = (running: RunningProcess, startedAt: number): void => {
    void running.exited.then((exit) => {
      if (current !== running) return;
      current = undefined;
      options.onChange?.();
      if (stopping) return;
      const delay = nextRestartDelay(lastDelay, Date.now() - startedAt, policy);
      scheduleRestart(delay, `exited (${describeExit(exit)})`);
    });
  };

  const launchAndWatch = async (): Promise<void> => {
    let running: RunningProcess;
    launching = options.launch();
    try {
      running = await launching;
    } finally {
      launching = undefined;
    }
    if (stopping) {
      // stop() arrived while we were launching: do not leave this one behind.
      await running.stop();
      return;
    }
    current = running;
    options.log(`${options.name} started (pid ${running.pid})`);
    options.onChange?.();
    watch(running, Date.now());
  };

  return {
    name: options.name,
    pid: () => current?.pid,
    restarts: () => restartCount,
    start: () => launchAndWatch(),
    stop: async () => {
      stopping = true;
      clearTimeout(restartTimer);
      const pending = launching;
      if (pending)
        await pending.then(
          (running) => running.stop(),
          () => undefined,
        );
      await current?.stop();
    },
  };
};
