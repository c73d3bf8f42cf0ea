import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { isRepairedMessage } from '@ordering/messaging';
import { UsageError } from './dlq-arguments.js';

/**
 * Reads and checks the repaired envelope before anything is touched: a broken file must not cost the dead
 * letter its place in the queue. `-` reads standard input.
 */
export const readRepairedMessage = async (file: string, stdin: () => NodeJS.ReadableStream): Promise<Record<string, unknown>> => {
  const source = file === '-' ? 'standard input' : file;
  let content: string;
  try {
    content = file === '-' ? await text(stdin()) : await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read the repaired message from ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(content) as unknown;
  } catch (error) {
    throw new UsageError(`the repaired message in ${source} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRepairedMessage(parsed)) throw new UsageError(`the repaired message in ${source} must be a JSON object (an envelope)`);
  return parsed;
};
