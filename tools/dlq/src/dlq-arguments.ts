import { parseArgs } from 'node:util';
import { checkInteger, checkOneOf, flagProblem } from '@ordering/platform';
import { SERVICES } from './dlq-config.js';

export const USAGE = `usage: npm run dlq -- <command> [options]

commands:
  list [--service S] [--limit N] [--json]   dead letters, newest first (default limit 100)
  show <id> [--json]                        one dead letter, with its error and the message
  replay <id> [--message <file.json>|-]     send it to its consumer again, or the repaired message
                                            from the file (- reads it from stdin)
  help                                      this text

transport:
  --broker <url> or BROKER_URL              the RabbitMQ dead-letter queues
  --namespace <ns> or BROKER_NAMESPACE      their exchanges' and queues' prefix (default ordering)
  otherwise                                 the services' /internal/dead-letters routes, found in
                                            <--data-dir|DATA_DIR|.data>/launcher-state.json (npm start) or in
                                            CUSTOMER_URL, ORDER_URL, ACCOUNT_URL, ORCHESTRATOR_URL, with the
                                            token from OPERATOR_TOKEN or <data dir>/operator-token

exit codes: 0 ok, 1 failure (not found, unreachable, replay failed again), 64 usage
`;

/** A wrong invocation: reported as one line plus the usage, exit 64. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface TransportOptions {
  broker?: string;
  namespace?: string;
  dataDir?: string;
}

export type DlqCommand =
  | { name: 'help' }
  | ({ name: 'list'; service?: string; limit: number; json: boolean } & TransportOptions)
  | ({ name: 'show'; id: string; json: boolean } & TransportOptions)
  | ({ name: 'replay'; id: string; messageFile?: string } & TransportOptions);

export const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 10_000;

const OPTIONS = {
  broker: { type: 'string' },
  namespace: { type: 'string' },
  'data-dir': { type: 'string' },
  service: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  message: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Which options each command accepts; the transport options go with every command. */
const ALLOWED: Record<string, readonly string[]> = {
  list: ['service', 'limit', 'json'],
  show: ['json'],
  replay: ['message'],
};
const TRANSPORT = ['broker', 'namespace', 'data-dir', 'help'];

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

const parse = (argv: readonly string[]): { values: Values; positionals: string[] } => {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util reports unknown options and missing values with a readable message; keep only that.
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
};

const parseLimit = (text: string | undefined): number => {
  if (text === undefined) return DEFAULT_LIST_LIMIT;
  const checked = checkInteger(text, 1, MAX_LIST_LIMIT);
  if (!checked.ok) throw new UsageError(flagProblem('--limit', text, checked.rule));
  return checked.value;
};

const parseService = (text: string | undefined): string | undefined => {
  if (text === undefined) return undefined;
  const checked = checkOneOf(text, SERVICES);
  if (!checked.ok) throw new UsageError(flagProblem('--service', text, checked.rule));
  return checked.value;
};

const parseBroker = (text: string | undefined): string | undefined => {
  if (text === undefined || /^amqps?:\/\//.test(text)) return text;
  throw new UsageError(`--broker must be an amqp:// or amqps:// URL`);
};

const transportOf = (values: Values): TransportOptions => {
  const broker = parseBroker(values.broker);
  return {
    ...(broker ? { broker } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  };
};

const rejectForeignOptions = (command: string, values: Values): void => {
  const foreign = Object.keys(values).filter((option) => !TRANSPORT.includes(option) && !(ALLOWED[command] ?? []).includes(option));
  if (foreign.length > 0) throw new UsageError(`'${command}' takes no --${foreign[0]}`);
};

const exactlyOneId = (command: string, rest: string[]): string => {
  if (rest.length !== 1 || rest[0] === '') throw new UsageError(`'${command}' needs exactly one dead-letter id`);
  return rest[0] as string;
};

/** Turns the arguments after `npm run dlq --` into a command; throws UsageError for anything it cannot run. */
export const parseDlqArguments = (argv: readonly string[]): DlqCommand => {
  const { values, positionals } = parse(argv);
  const [name, ...rest] = positionals;
  if (name === undefined || name === 'help' || values.help) return { name: 'help' };
  if (!(name in ALLOWED)) throw new UsageError(`unknown command '${name}'`);
  rejectForeignOptions(name, values);
  const transport = transportOf(values);
  if (name === 'list') {
    if (rest.length > 0) throw new UsageError(`'list' takes no arguments, got '${rest.join(' ')}'`);
    const service = parseService(values.service);
    return { name, limit: parseLimit(values.limit), json: values.json === true, ...(service ? { service } : {}), ...transport };
  }
  const id = exactlyOneId(name, rest);
  if (name === 'show') return { name, id, json: values.json === true, ...transport };
  return { name: 'replay', id, ...(values.message !== undefined ? { messageFile: values.message } : {}), ...transport };
};
