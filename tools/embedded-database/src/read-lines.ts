import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Chunks from a pipe split lines arbitrarily; every consumer here wants whole lines, including a last unterminated one. */
export const forEachLine = (stream: Readable, onLine: (line: string) => void): void => {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', onLine);
};
