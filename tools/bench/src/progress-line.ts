import type { LoadCounters } from './checkout-load.js';

/**
 * A progress line during a run: rewritten in place every second on a terminal, a plain line every 5 s otherwise
 * (CI logs and files get a readable history, not a wall of carriage returns).
 */

export interface ProgressLine {
  stop(): void;
}

export const startProgressLine = (
  label: string,
  counters: LoadCounters,
  durationMs: number,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressLine => {
  const tty = stream.isTTY === true;
  const started = Date.now();
  let lastAccepted = 0;
  let lastAt = started;
  const render = (): string => {
    const now = Date.now();
    const rate = ((counters.accepted - lastAccepted) * 1000) / Math.max(1, now - lastAt);
    lastAccepted = counters.accepted;
    lastAt = now;
    const elapsed = Math.min(now - started, durationMs) / 1000;
    const phase = now - started < durationMs ? `${elapsed.toFixed(0)}/${(durationMs / 1000).toFixed(0)} s` : 'draining';
    return `${label} ${phase}: accepted ${counters.accepted} (${rate.toFixed(0)}/s), terminal ${counters.terminal}, in flight ${counters.inFlight}, errors ${counters.errors}`;
  };
  const timer = setInterval(() => stream.write(tty ? `\r\x1b[2K${render()}` : `${render()}\n`), tty ? 1000 : 5000);
  return {
    stop: () => {
      clearInterval(timer);
      if (tty) stream.write('\r\x1b[2K');
    },
  };
};
