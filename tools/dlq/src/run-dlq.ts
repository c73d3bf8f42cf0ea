import path from 'node:path';
import { operatorTokenPath, readOperatorToken } from '@ordering/launcher';
import { createBrokerDeadLetters } from './broker-dead-letters.js';
import { formatDetail, formatJson, formatTable } from './dead-letter-format.js';
import { DlqFailure, type DeadLetterSource } from './dead-letter-source.js';
import { parseDlqArguments, UsageError, USAGE, type DlqCommand, type TransportOptions } from './dlq-arguments.js';
import type { DlqEnvironment } from './dlq-config.js';
import { createHttpDeadLetters, type OperatorToken } from './http-dead-letters.js';
import { readRepairedMessage } from './repaired-message.js';
import { resolveServiceUrls } from './service-urls.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
/** sysexits' EX_USAGE. */
export const EXIT_USAGE = 64;

export interface DlqIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** A function: merely touching `process.stdin` opens it, and an open pipe would keep the process alive. */
  stdin: () => NodeJS.ReadableStream;
}

const operatorTokenFor = (env: DlqEnvironment, dataDir: string): OperatorToken | undefined => {
  if (env.operatorToken) return { value: env.operatorToken, from: 'OPERATOR_TOKEN' };
  const kept = readOperatorToken(dataDir);
  return kept ? { value: kept, from: operatorTokenPath(dataDir) } : undefined;
};

/**
 * `--broker` or BROKER_URL selects RabbitMQ; otherwise the services' HTTP routes. Either way the operator token comes
 * from OPERATOR_TOKEN or else the one the launcher keeps next to its state file: the services' operator routes
 * require it, and on RabbitMQ it signs a repaired message.
 */
const sourceFor = (options: TransportOptions, env: DlqEnvironment): DeadLetterSource => {
  const dataDir = path.resolve(options.dataDir ?? env.dataDir ?? '.data');
  const token = operatorTokenFor(env, dataDir);
  const brokerUrl = options.broker ?? env.brokerUrl;
  if (brokerUrl) return createBrokerDeadLetters(brokerUrl, options.namespace ?? env.brokerNamespace, token);
  return createHttpDeadLetters(resolveServiceUrls(env.serviceUrls, dataDir), token);
};

const notFound = (id: string): DlqFailure => new DlqFailure(`no dead letter with id ${id}`);

const execute = async (command: Exclude<DlqCommand, { name: 'help' }>, env: DlqEnvironment, io: DlqIo): Promise<number> => {
  if (command.name === 'replay') {
    // Validated before any transport is touched.
    const repaired = command.messageFile === undefined ? undefined : await readRepairedMessage(command.messageFile, io.stdin);
    const outcome = await sourceFor(command, env).replay(command.id, repaired);
    if (!outcome) throw notFound(command.id);
    (outcome.succeeded ? io.stdout : io.stderr)(`${outcome.summary}\n`);
    return outcome.succeeded ? EXIT_OK : EXIT_FAILURE;
  }
  if (command.name === 'show') {
    const letter = await sourceFor(command, env).find(command.id);
    if (!letter) throw notFound(command.id);
    io.stdout(command.json ? formatJson(letter) : formatDetail(letter));
    return EXIT_OK;
  }
  const letters = await sourceFor(command, env).list({ limit: command.limit, ...(command.service ? { service: command.service } : {}) });
  io.stdout(command.json ? formatJson(letters) : formatTable(letters));
  return EXIT_OK;
};

/** The whole CLI behind `npm run dlq`: never throws, never prints a stack trace; returns the exit code. */
export const runDlq = async (argv: readonly string[], env: DlqEnvironment, io: DlqIo): Promise<number> => {
  try {
    const command = parseDlqArguments(argv);
    if (command.name === 'help') {
      io.stderr(USAGE);
      return EXIT_USAGE;
    }
    return await execute(command, env, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`dlq: ${error.message}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    const message =
      error instanceof DlqFailure ? error.message : `unexpected error: ${String((error as Error)?.message ?? error).split('\n')[0]}`;
    io.stderr(`dlq: ${message}\n`);
    return EXIT_FAILURE;
  }
};
