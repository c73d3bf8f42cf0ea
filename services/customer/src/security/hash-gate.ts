import { AppError } from '@ordering/platform';

export interface HashGateOptions {
  /** Hashes that run at once; each N=2^17 scrypt holds ~128 MiB and one libuv pool thread. */
  concurrency: number;
  /** Callers allowed to wait for a slot; one more is refused at once instead of queueing without bound. */
  queueLimit: number;
}

export interface HashGate {
  run<T>(work: () => Promise<T>): Promise<T>;
}

/** The client should come back after about this long; a queue of ~0.3 s hashes drains in a few seconds. */
const RETRY_AFTER_SECONDS = 2;

const busy = (): AppError =>
  new AppError('SERVICE_UNAVAILABLE', 503, {
    detail: 'Too many password checks are in progress. Retry shortly.',
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  });

/**
 * A counting semaphore with a bounded FIFO queue in front of password hashing, so a burst of registrations or
 * logins costs bounded memory and CPU (and leaves libuv's pool to its other users) instead of piling up scrypt runs.
 */
export const createHashGate = ({ concurrency, queueLimit }: HashGateOptions): HashGate => {
  let running = 0;
  const waiting: Array<() => void> = [];

  const release = (): void => {
    const next = waiting.shift();
    // The slot passes straight to the next waiter, so `running` never dips and a newcomer cannot jump the queue.
    if (next) next();
    else running -= 1;
  };

  const acquire = (): Promise<void> => {
    if (running < concurrency) {
      running += 1;
      return Promise.resolve();
    }
    if (waiting.length >= queueLimit) return Promise.reject(busy());
    return new Promise((resolve) => waiting.push(resolve));
  };

  return {
    async run(work) {
      await acquire();
      try {
        return await work();
      } finally {
        release();
      }
    },
  };
};
