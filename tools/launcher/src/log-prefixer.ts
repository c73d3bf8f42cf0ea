import { batchedStdout } from '@ordering/platform';
import pinoPretty from 'pino-pretty';
import type { LogFormat } from './launcher-config.js';

export interface LogPrefixerOptions {
  readonly format: LogFormat;
  readonly colour: boolean;
  /** Longest process name, so every `name | ` column lines up. */
  readonly nameWidth: number;
  /** Where output goes; the process's batched stdout unless a test captures it. */
  readonly write?: (text: string) => void;
}

/** Prints one line of one process's output. */
export type LinePrinter = (line: string) => void;

const RESET = '\u001b[0m';
const PALETTE: Readonly<Record<string, string>> = {
  gateway: '\u001b[34m',
  customer: '\u001b[36m',
  order: '\u001b[33m',
  account: '\u001b[32m',
  orchestrator: '\u001b[35m',
  postgres: '\u001b[90m',
  launcher: '\u001b[1m',
};
const FALLBACK_COLOURS = ['\u001b[96m', '\u001b[93m', '\u001b[92m', '\u001b[95m', '\u001b[94m'];

/** Replicas (`customer#1`) share their service's colour: the colour says which service, the suffix which replica. */
const colourFor = (name: string): string => {
  const base = name.split('#')[0] ?? name;
  const known = PALETTE[base];
  if (known !== undefined) return known;
  const hash = [...base].reduce((sum, char) => sum + char.charCodeAt(0), 0);
  return FALLBACK_COLOURS[hash % FALLBACK_COLOURS.length] ?? '';
};

/** Services log pino JSON; anything else (a stack trace from a crash before the logger exists) passes through. */
const parseJsonObject = (line: string): Record<string, unknown> | undefined => {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

export const createLogPrefixer = (options: LogPrefixerOptions): ((name: string) => LinePrinter) => {
  const write = options.write ?? batchedStdout().write;
  const prettify =
    options.format === 'pretty'
      ? pinoPretty.prettyFactory({
          colorize: options.colour,
          singleLine: true,
          translateTime: 'SYS:HH:MM:ss.l',
          // The prefix already names the process; pid and hostname are noise in a local terminal.
          ignore: 'pid,hostname,service',
        })
      : undefined;

  return (name) => {
    const label = name.padEnd(options.nameWidth);
    const prefix = options.colour ? `${colourFor(name)}${label}${RESET} | ` : `${label} | `;
    return (line) => {
      // JSON mode (the bench, the tests, a log shipper): a service's line passes through as it is, never parsed.
      if (!prettify && !line.includes('\n')) return write(`${prefix}${line}\n`);
      const record = prettify ? parseJsonObject(line) : undefined;
      const rendered = record && prettify ? prettify(record).replace(/\r?\n$/, '') : line;
      write(
        rendered
          .split(/\r?\n/)
          .map((part) => `${prefix}${part}\n`)
          .join(''),
      );
    };
  };
};
