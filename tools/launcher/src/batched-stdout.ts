/**
 * The launcher's output, written once per turn of the event loop instead of once per line: under load the
 * services print hundreds of lines a second, and each synchronous write to a pipe costs more CPU than prefixing
 * the line. Nothing waits on a timer; what is pending at exit is written synchronously (stdout is synchronous for
 * files and pipes on Linux).
 */
export interface BatchedWriter {
  write(text: string): void;
  flush(): void;
}

export const createBatchedWriter = (target: (text: string) => void, schedule: (flush: () => void) => void = setImmediate): BatchedWriter => {
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    target(text);
  };
  return {
    write(text) {
      pending += text;
      if (scheduled) return;
      scheduled = true;
      schedule(flush);
    },
    flush,
  };
};

let stdout: BatchedWriter | undefined;

/** The process's one batched stdout (every prefixed stream shares it, so their lines keep their order). */
export const batchedStdout = (): BatchedWriter => {
  if (stdout) return stdout;
  const writer = createBatchedWriter((text) => void process.stdout.write(text));
  process.on('exit', writer.flush);
  stdout = writer;
  return writer;
};
