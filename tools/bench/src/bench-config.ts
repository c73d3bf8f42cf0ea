import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { checkInteger, checkOneOf, flagProblem, readSetting } from '@ordering/platform';

/** The bench's command line and the few environment variables it reads; nothing else in the tool reads either. */

const MODES = ['embedded', 'production'] as const;
export type Mode = (typeof MODES)[number];
export type LatencyMethod = 'wait' | 'poll';

/**
 * Closed loop: `concurrency` clients, each sending its next checkout when the previous saga is terminal. Open loop: `rate` sends per
 * second on a fixed schedule.
 */
export type LoadShape = { readonly kind: 'closed'; readonly concurrency: number } | { readonly kind: 'open'; readonly rate: number };

export interface BenchConfig {
  readonly mode: Mode;
  readonly replicas: number;
  /** One entry per measured run: a single one, or one per `--sweep` level. */
  readonly loads: readonly LoadShape[];
  readonly durationMs: number;
  readonly latencyMethod: LatencyMethod;
  readonly customers: number;
  /** Absolute path of the JSON report. */
  readonly outFile: string;
  readonly profile: boolean;
  /** Finished checkout sagas written into the orchestrator's database before the load (0: none). */
  readonly preload: number;
  /** After a sweep of 2+ levels: one more run in open loop at half the sweep's peak rate (`--no-open-loop` skips it). */
  readonly openLoopAfterSweep: boolean;
  /** Production mode only. */
  readonly postgresUrl: string;
  readonly brokerUrl: string;
  readonly logLevel: string;
  /** The launcher's admin (it reads the same variables), for the invariant check's listing of every order. */
  readonly adminEmail: string;
  readonly adminPassword: string;
}

export type ConfigResult =
  | { readonly ok: true; readonly config: BenchConfig }
  | { readonly ok: false; readonly error: string }
  | { readonly ok: false; readonly help: true };

export const USAGE = `usage: npm run bench -- [--mode embedded|production] [--replicas N] [--concurrency C | --rate R | --sweep 1,4,16,64,256]
                      [--duration 30s] [--wait | --poll] [--customers N] [--out bench-results/<timestamp>.json] [--profile]
                      [--preload N] [--no-open-loop]
  --mode         embedded (default: embedded PostgreSQL, HTTP transport) or production (POSTGRES_URL, BROKER_URL)
  --replicas     processes per service, 1-10 (default 1)
  --concurrency  closed loop: clients each with one checkout in flight (default 16)
  --rate         open loop: checkouts started per second on a fixed schedule
  --sweep        closed loop at each concurrency in turn, e.g. 1,4,16,64,256
  --duration     load time per run: 30s, 500ms, 2m (default 30s)
  --wait|--poll  saga latency from POST ?wait=30 (default) or from polling GET /api/checkout/{id} every 20 ms
  --customers    customers with funds to spread the load over (default: the concurrency, 8 to 64)
  --out          JSON report path (default bench-results/<timestamp>.json)
  --profile      write a V8 CPU profile of every service process next to the report
  --preload      before the load, write N finished checkout sagas (steps, commands, inbox rows) into the
                 orchestrator's database in SQL, over the past 30 days, e.g. 1000000; orders and ledger rows in the
                 other services are not written (the measure is the saga store's size)
  --no-open-loop after a sweep of 2+ levels, skip the extra open-loop run at half the peak completed sagas/s`;

const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432';
const DEFAULT_BROKER_URL = 'amqp://guest:guest@127.0.0.1:5672';
const MAX_REPLICAS = 10;
const MAX_CONCURRENCY = 1024;
const MAX_RATE = 10_000;
const MAX_PRELOAD = 20_000_000;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)?$/;

type Env = Readonly<Record<string, string | undefined>>;

class UsageError extends Error {}

const positiveInteger = (flag: string, raw: string, max: number): number => {
  const checked = checkInteger(raw, 1, max);
  if (!checked.ok) throw new UsageError(flagProblem(flag, raw, checked.rule));
  return checked.value;
};

const oneOf = <T extends string>(flag: string, raw: string, allowed: readonly T[]): T => {
  const checked = checkOneOf(raw, allowed);
  if (!checked.ok) throw new UsageError(flagProblem(flag, raw, checked.rule));
  return checked.value;
};

export const parseDuration = (raw: string): number => {
  const match = DURATION.exec(raw);
  if (!match) throw new UsageError(`--duration must look like 30s, 500ms or 2m, got ${JSON.stringify(raw)}`);
  const unit = match[2] ?? 's';
  const ms = Number(match[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000);
  if (ms < 200 || ms > 3_600_000) throw new UsageError(`--duration must be between 200ms and 60m, got ${JSON.stringify(raw)}`);
  return Math.round(ms);
};

const parseSweep = (raw: string): number[] => {
  const levels = raw.split(',').map((part) => positiveInteger('--sweep', part.trim(), MAX_CONCURRENCY));
  if (levels.length === 0) throw new UsageError('--sweep needs at least one concurrency, e.g. 1,4,16');
  return levels;
};

const FLAGS_WITH_VALUES = new Set([
  '--mode',
  '--replicas',
  '--concurrency',
  '--rate',
  '--duration',
  '--sweep',
  '--out',
  '--customers',
  '--preload',
]);
const SWITCHES = new Set(['--wait', '--poll', '--profile', '--no-open-loop', '--help', '-h']);

/** `--flag value` and `--flag=value`, each flag at most once. */
const readFlags = (argv: readonly string[]): Map<string, string> => {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const equals = arg.indexOf('=');
    const name = arg.startsWith('--') && equals > 0 ? arg.slice(0, equals) : arg;
    if (SWITCHES.has(name) && name === arg) {
      flags.set(name, '');
      continue;
    }
    if (!FLAGS_WITH_VALUES.has(name)) throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    if (flags.has(name)) throw new UsageError(`${name} given twice`);
    let value: string | undefined = name === arg ? argv[i + 1] : arg.slice(equals + 1);
    if (name === arg) i += 1;
    if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
    value = value.trim();
    flags.set(name, value);
  }
  return flags;
};

const timestamp = (now: Date): string => now.toISOString().replace(/[:.]/g, '-');

const readLoads = (flags: Map<string, string>): LoadShape[] => {
  const given = ['--concurrency', '--rate', '--sweep'].filter((flag) => flags.has(flag));
  if (given.length > 1) throw new UsageError(`${given.join(' and ')} exclude each other`);
  const rate = flags.get('--rate');
  if (rate !== undefined) return [{ kind: 'open', rate: positiveInteger('--rate', rate, MAX_RATE) }];
  const sweep = flags.get('--sweep');
  if (sweep !== undefined) return parseSweep(sweep).map((concurrency) => ({ kind: 'closed', concurrency }));
  const concurrency = flags.get('--concurrency');
  return [{ kind: 'closed', concurrency: concurrency === undefined ? 16 : positiveInteger('--concurrency', concurrency, MAX_CONCURRENCY) }];
};

/** Enough customers that one account's row lock is not the whole story, few enough that preparing them is quick. */
const defaultCustomers = (loads: readonly LoadShape[]): number => {
  const widest = Math.max(...loads.map((load) => (load.kind === 'closed' ? load.concurrency : Math.ceil(load.rate / 4))));
  return Math.min(64, Math.max(8, widest));
};

const build = (argv: readonly string[], env: Env, cwd: string, now: Date): BenchConfig | 'help' => {
  const flags = readFlags(argv);
  if (flags.has('--help') || flags.has('-h')) return 'help';
  const mode = oneOf('--mode', flags.get('--mode') ?? 'embedded', MODES);
  if (flags.has('--wait') && flags.has('--poll')) throw new UsageError('--wait and --poll exclude each other');
  const loads = readLoads(flags);
  const replicas = flags.has('--replicas') ? positiveInteger('--replicas', flags.get('--replicas') ?? '', MAX_REPLICAS) : 1;
  const customers = flags.has('--customers')
    ? positiveInteger('--customers', flags.get('--customers') ?? '', 1000)
    : defaultCustomers(loads);
  const nonEmpty = (name: string): string | undefined => readSetting(env, name);
  return {
    mode,
    replicas,
    loads,
    durationMs: parseDuration(flags.get('--duration') ?? '30s'),
    latencyMethod: flags.has('--poll') ? 'poll' : 'wait',
    customers,
    outFile: path.resolve(cwd, flags.get('--out') ?? path.join('bench-results', `${timestamp(now)}.json`)),
    profile: flags.has('--profile'),
    preload: flags.has('--preload') ? positiveInteger('--preload', (flags.get('--preload') ?? '').replace(/_/g, ''), MAX_PRELOAD) : 0,
    openLoopAfterSweep: flags.has('--sweep') && loads.length >= 2 && !flags.has('--no-open-loop'),
    postgresUrl: nonEmpty('POSTGRES_URL') ?? DEFAULT_POSTGRES_URL,
    brokerUrl: nonEmpty('BROKER_URL') ?? DEFAULT_BROKER_URL,
    logLevel: nonEmpty('LOG_LEVEL') ?? 'info',
    adminEmail: nonEmpty('ADMIN_EMAIL') ?? 'admin@example.com',
    // The bench starts a system of its own: a password of its own too (the built-in one is refused in production mode).
    adminPassword: nonEmpty('ADMIN_PASSWORD') ?? `bench-${randomBytes(12).toString('base64url')}`,
  };
};

export const loadBenchConfig = (argv: readonly string[], env: Env, cwd: string, now = new Date()): ConfigResult => {
  try {
    const config = build(argv, env, cwd, now);
    return config === 'help' ? { ok: false, help: true } : { ok: true, config };
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, error: error.message };
    throw error;
  }
};
