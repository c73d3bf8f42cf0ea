export interface WakeableSleep {
  /** Resolves after `ms`, or earlier on `wake()` (unless `wakeable` is false) or `interrupt()`. */
  sleep(ms: number, options?: { wakeable: boolean }): Promise<void>;
  wake(): void;
  /** Ends the current sleep whatever kind it is (used by stop). */
  interrupt(): void;
}

/**
 * A wake that arrives while nobody sleeps is remembered, so rows committed while the relay is busy publishing
 * are not left waiting for the next poll: the next wakeable sleep returns at once.
 */
export const createWakeableSleep = (): WakeableSleep => {
  let pendingWake = false;
  let current: { end: () => void; wakeable: boolean } | undefined;
  return {
    sleep(ms, options = { wakeable: true }) {
      if (options.wakeable && pendingWake) {
        pendingWake = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const end = (): void => {
          clearTimeout(timer);
          current = undefined;
          resolve();
        };
        const timer = setTimeout(end, ms);
        current = { end, wakeable: options.wakeable };
      });
    },
    wake() {
      if (current?.wakeable) current.end();
      else pendingWake = true;
    },
    interrupt() {
      current?.end();
    },
  };
};
