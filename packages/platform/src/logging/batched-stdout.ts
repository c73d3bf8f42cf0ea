import { pino } from 'pino';

/** What pino needs of a destination, plus the flush its `logger.flush()` calls. */
export interface BatchedDestination {
  write(line: string): void;
  flush(callback?: (error?: Error) => void): void;
  flushSync(): void;
}

/**
 * Log lines gathered over one turn of the event loop and written with one system call at its end, instead of one
 * synchronous write per line: under load a turn completes several requests, each with its line, and on this
 * machine a write to the launcher's pipe costs more CPU than building the line. A line waits at most until the
 * current turn ends (no timer, so nothing sits in memory while the process idles); at exit, including a fatal
 * error's `process.exit`, what is pending is written synchronously.
 */
export const createBatchedDestination = (target: { write(text: string): unknown; flushSync?: () => void }): BatchedDestination => {
  let pending = '';
  let scheduled = false;
  const flushSync = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    target.write(text);
  };
  return {
    write(line) {
      pending += line;
      if (scheduled) return;
      scheduled = true;
      setImmediate(flushSync);
    },
    flush(callback) {
      flushSync();
      callback?.();
    },
    flushSync,
  };
};

let stdout: BatchedDestination | undefined;

/** One batched stdout per process (every logger of a process shares it, so lines keep their order). */
export const batchedStdout = (): BatchedDestination => {
  if (stdout) return stdout;
  // Synchronous sonic-boom underneath: it retries a full pipe (EAGAIN) and partial writes, as pino's default does.
  const destination = createBatchedDestination(pino.destination({ dest: 1, sync: true }));
  process.on('exit', destination.flushSync);
  stdout = destination;
  return destination;
};
