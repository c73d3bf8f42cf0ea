import path from 'node:path';
import { BACKEND_SERVICES, DEFAULT_PORTS, GATEWAY_METRICS_PORT, replicaPort, type BackendService } from '@ordering/contracts';
import { checkInteger, readSetting, settingProblem, SettingProblems } from '@ordering/platform';

/** The only file of the launcher that reads process.env: everything else receives this frozen object. */

/** The services the launcher runs replicas of, from the system map. */
export const SERVICE_NAMES = BACKEND_SERVICES;
export type ServiceName = BackendService;

/** `ORDER_PORT`: the launcher's setting for where a service's first replica listens. */
export const portVariable = (service: ServiceName): string => `${service.toUpperCase()}_PORT`;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFormat = 'pretty' | 'json';

export interface LauncherConfig {
  /** Absolute; holds the embedded cluster (`<dataDir>/postgres`) and `launcher-state.json`. */
  readonly dataDir: string;
  readonly gatewayPort: number;
  /** The gateway's separate `/metrics` listener (its public port serves none). */
  readonly gatewayMetricsPort: number;
  readonly servicePorts: Readonly<Record<ServiceName, number>>;
  readonly replicas: number;
  readonly embeddedPostgresPort: number;
  /** Set: use this server instead of the embedded one. */
  readonly postgresUrl: string | undefined;
  readonly databasePrefix: string;
  readonly brokerUrl: string | undefined;
  /** `REDIS_URL`, for the gateway only: its rate-limit counts, shared by gateway replicas. May hold a password. */
  readonly redisUrl: string | undefined;
  /** `OPERATOR_TOKEN`, for the services' operator routes; unset, the launcher keeps a generated one in `dataDir`. */
  readonly operatorToken: string | undefined;
  /** `SIGNING_KEY_ENCRYPTION_KEY`, the customer service's; unset, the launcher keeps a generated one in `dataDir`. */
  readonly signingKeyEncryptionKey: string | undefined;
  readonly adminEmail: string;
  readonly adminPassword: string;
  /** True when the admin credentials are the development defaults, so the banner can warn. */
  readonly adminCredentialsAreDefaults: boolean;
  /**
   * Embedded PostgreSQL, HTTP transport, one replica: a laptop. Only there does the customer service get the
   * development switch, and only for the built-in admin password; anything else is production mode.
   */
  readonly developmentMode: boolean;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly colour: boolean;
  /** Service settings the launcher does not interpret but forwards to every process when set. */
  readonly forwardedEnv: Readonly<Record<string, string>>;
  /** PATH, HOME, locale and the like: what a child needs from the parent to run at all. */
  readonly inheritedEnv: Readonly<Record<string, string>>;
  /** `--observe`: also run a Prometheus that scrapes every process (see prometheus-config.ts). */
  readonly observe: boolean;
  /** `PROMETHEUS_PORT`: Prometheus's web UI and API on 127.0.0.1 (9090 is the gateway's metrics listener). */
  readonly prometheusPort: number;
  /** `PROMETHEUS_INTERVAL_SECONDS`: its scrape and rule evaluation interval. */
  readonly prometheusIntervalSeconds: number;
  /** `PROMETHEUS_BIN`: the Prometheus executable; unset, `prometheus` is looked up on PATH. */
  readonly prometheusBinary: string | undefined;
  /**
   * Test-only: run this script for every service instead of `services/<name>/src/main.ts`, so the supervisor can be
   * exercised with a fake service. Not part of the documented interface.
   */
  readonly serviceEntryOverride: string | undefined;
}

export type ConfigResult =
  { readonly ok: true; readonly config: LauncherConfig } | { readonly ok: false; readonly problems: readonly string[] };

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_ADMIN_EMAIL = 'admin@example.com';
/** The built-in development password, printed at start-up; the customer service refuses it outside development mode. */
export const DEFAULT_ADMIN_PASSWORD = 'admin-password-change-me';
const MAX_REPLICAS = 10;
const SYSTEM_POSTGRES_PORT = 5432;

/** Not 9090, Prometheus's own default: the gateway's metrics listener takes that. */
const DEFAULT_PROMETHEUS_PORT = 9095;
/** Prometheus's own default; the system tests use 1 s so that rates and recording rules move within seconds. */
const DEFAULT_PROMETHEUS_INTERVAL_SECONDS = 15;
const MAX_PROMETHEUS_INTERVAL_SECONDS = 300;

const FORWARDED_VARIABLES = [
  'BROKER_NAMESPACE',
  'RATE_LIMIT_MAX',
  'RATE_LIMIT_WINDOW_SECONDS',
  'RATE_LIMIT_REDIS_PREFIX',
  'TOKEN_TTL_SECONDS',
  'UPSTREAM_TIMEOUT_MS',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'PASSWORD_HASH_COST_LOG2',
  'PASSWORD_HASH_CONCURRENCY',
  'PASSWORD_HASH_QUEUE_LIMIT',
] as const;

const INHERITED_VARIABLES = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TMP',
  'TEMP',
  'CI',
  'NODE_EXTRA_CA_CERTS',
];

const OPERATOR_TOKEN_MIN_LENGTH = 32;

/** The services' own rule (platform's operatorTokenEnv), checked here too so a bad token stops the launcher, not 4 services. */
export const operatorTokenProblem = (token: string): string | undefined =>
  [...token].length < OPERATOR_TOKEN_MIN_LENGTH || /\s/.test(token)
    ? `must be at least ${OPERATOR_TOKEN_MIN_LENGTH} characters, without whitespace`
    : undefined;

const ENCRYPTION_KEY_BYTES = 32;

/** The customer service's rule: base64 or base64url (Node's decoder reads both) of exactly 32 bytes. */
export const signingKeyEncryptionKeyProblem = (key: string): string | undefined =>
  /^[A-Za-z0-9+/_-]+={0,2}$/.test(key) && Buffer.from(key, 'base64').length === ENCRYPTION_KEY_BYTES
    ? undefined
    : `must be ${ENCRYPTION_KEY_BYTES} bytes encoded as base64 or base64url, e.g. from \`openssl rand -base64 32\``;

/** A secret's problem line: its rule, never its value. */
const secretProblem = (env: Env, name: string, problemOf: (value: string) => string | undefined): string[] => {
  const value = readSetting(env, name);
  const problem = value === undefined ? undefined : problemOf(value);
  return problem ? [`${name} is invalid: ${problem} (value not shown)`] : [];
};

interface LauncherArguments {
  readonly replicas: string | undefined;
  readonly observe: boolean;
}

const parseArguments = (argv: readonly string[], problems: string[]): LauncherArguments => {
  let replicas: string | undefined;
  let observe = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--observe') {
      observe = true;
    } else if (arg.startsWith('--observe=')) {
      problems.push(`${JSON.stringify(arg)} is invalid: --observe takes no value`);
    } else if (arg === '--replicas') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        problems.push('--replicas needs a value, e.g. --replicas 2');
      } else {
        replicas = next;
        i += 1;
      }
    } else if (arg.startsWith('--replicas=')) {
      replicas = arg.slice('--replicas='.length);
    } else {
      problems.push(`unknown argument ${JSON.stringify(arg)} (the launcher accepts only --replicas N and --observe)`);
    }
  }
  return { replicas, observe };
};

const parseReplicas = (raw: string | undefined, source: string, problems: string[]): number => {
  if (raw === undefined) return 1;
  const checked = checkInteger(raw, 1, MAX_REPLICAS);
  if (checked.ok) return checked.value;
  problems.push(settingProblem(source, raw, checked.rule));
  return 1;
};

/** Replica i of a service listens on its port + 10·i, so overlapping ranges must be caught before anything starts. */
const findPortClashes = (owners: ReadonlyArray<{ owner: string; port: number }>): string[] => {
  const problems: string[] = [];
  const taken = new Map<number, string>();
  for (const { owner, port } of owners) {
    if (port > 65535) {
      problems.push(`${owner} would listen on port ${port}, above 65535: lower the base port or REPLICAS`);
      continue;
    }
    const previous = taken.get(port);
    if (previous !== undefined) problems.push(`${owner} and ${previous} would both listen on port ${port}: choose distinct ports`);
    else taken.set(port, owner);
  }
  return problems;
};

const pickPresent = (env: Env, names: readonly string[], matches?: (name: string) => boolean): Record<string, string> => {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = readSetting(env, name);
    if (value !== undefined) picked[name] = value;
  }
  if (matches) {
    for (const [name, value] of Object.entries(env)) if (matches(name) && value !== undefined) picked[name] = value;
  }
  return picked;
};

export const loadLauncherConfig = (env: Env, argv: readonly string[], cwd: string, stdoutIsTty = false): ConfigResult => {
  const collector = new SettingProblems(env);
  const { problems } = collector;

  const dataDir = path.resolve(cwd, readSetting(env, 'DATA_DIR') ?? '.data');
  const gatewayPort = collector.port('GATEWAY_PORT', DEFAULT_PORTS.gateway);
  const gatewayMetricsPort = collector.port('GATEWAY_METRICS_PORT', GATEWAY_METRICS_PORT);
  const servicePorts = Object.fromEntries(
    SERVICE_NAMES.map((name) => [name, collector.port(portVariable(name), DEFAULT_PORTS[name])]),
  ) as Record<ServiceName, number>;

  const embeddedPostgresPort = collector.port('PGPORT_EMBEDDED', 54329);
  if (embeddedPostgresPort === SYSTEM_POSTGRES_PORT) {
    problems.push(
      settingProblem(
        'PGPORT_EMBEDDED',
        String(SYSTEM_POSTGRES_PORT),
        'a system PostgreSQL may run on 5432; choose another port (default 54329)',
      ),
    );
  }

  const args = parseArguments(argv, problems);
  const replicas =
    args.replicas !== undefined
      ? parseReplicas(args.replicas, '--replicas', problems)
      : parseReplicas(readSetting(env, 'REPLICAS'), 'REPLICAS', problems);

  const postgresUrl = collector.url('POSTGRES_URL', ['postgres:', 'postgresql:']);
  const databasePrefix = readSetting(env, 'DB_PREFIX') ?? '';
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(databasePrefix) && databasePrefix !== '') {
    problems.push(
      settingProblem(
        'DB_PREFIX',
        databasePrefix,
        'use lower-case letters, digits and _ (starting with a letter or _), at most 41 characters',
      ),
    );
  }
  const brokerUrl = collector.url('BROKER_URL', ['amqp:', 'amqps:']);
  const redisUrl = collector.url('REDIS_URL', ['redis:', 'rediss:']);
  const operatorToken = readSetting(env, 'OPERATOR_TOKEN');
  problems.push(...secretProblem(env, 'OPERATOR_TOKEN', operatorTokenProblem));
  const signingKeyEncryptionKey = readSetting(env, 'SIGNING_KEY_ENCRYPTION_KEY');
  problems.push(...secretProblem(env, 'SIGNING_KEY_ENCRYPTION_KEY', signingKeyEncryptionKeyProblem));

  const adminEmail = readSetting(env, 'ADMIN_EMAIL') ?? DEFAULT_ADMIN_EMAIL;
  if (!/^[^\s@]+@[^\s@]+$/.test(adminEmail)) problems.push(settingProblem('ADMIN_EMAIL', adminEmail, 'must be an e-mail address'));
  const adminPassword = readSetting(env, 'ADMIN_PASSWORD') ?? DEFAULT_ADMIN_PASSWORD;
  if (adminPassword.length < 8) problems.push('ADMIN_PASSWORD is invalid: must be at least 8 characters');
  const developmentMode = postgresUrl === undefined && brokerUrl === undefined && replicas === 1;
  if (!developmentMode && adminPassword === DEFAULT_ADMIN_PASSWORD) {
    problems.push(
      'ADMIN_PASSWORD must be set in production mode (POSTGRES_URL, BROKER_URL or more than one replica): the built-in development password is refused there',
    );
  }

  const prometheusPort = collector.port('PROMETHEUS_PORT', DEFAULT_PROMETHEUS_PORT);
  const prometheusIntervalSeconds = collector.integer(
    'PROMETHEUS_INTERVAL_SECONDS',
    1,
    MAX_PROMETHEUS_INTERVAL_SECONDS,
    DEFAULT_PROMETHEUS_INTERVAL_SECONDS,
  );

  const logLevel = collector.oneOf('LOG_LEVEL', LOG_LEVELS, 'info');
  const logFormat = collector.oneOf<LogFormat>('LAUNCHER_LOG_FORMAT', ['pretty', 'json'], 'pretty');

  const ports = [
    { owner: 'gateway', port: gatewayPort },
    { owner: 'gateway metrics', port: gatewayMetricsPort },
    ...SERVICE_NAMES.flatMap((name) =>
      Array.from({ length: replicas }, (_, i) => ({ owner: i === 0 ? name : `${name}#${i}`, port: replicaPort(servicePorts[name], i) })),
    ),
    ...(postgresUrl === undefined ? [{ owner: 'embedded PostgreSQL', port: embeddedPostgresPort }] : []),
    ...(args.observe ? [{ owner: 'prometheus', port: prometheusPort }] : []),
  ];
  problems.push(...findPortClashes(ports));

  if (problems.length > 0) return { ok: false, problems: Object.freeze([...problems]) };

  const config: LauncherConfig = {
    dataDir,
    gatewayPort,
    gatewayMetricsPort,
    servicePorts: Object.freeze(servicePorts),
    replicas,
    embeddedPostgresPort,
    postgresUrl,
    databasePrefix,
    brokerUrl,
    redisUrl,
    operatorToken,
    signingKeyEncryptionKey,
    adminEmail,
    adminPassword,
    adminCredentialsAreDefaults: adminEmail === DEFAULT_ADMIN_EMAIL && adminPassword === DEFAULT_ADMIN_PASSWORD,
    developmentMode,
    logLevel,
    logFormat,
    colour: stdoutIsTty && readSetting(env, 'NO_COLOR') === undefined,
    forwardedEnv: Object.freeze(pickPresent(env, FORWARDED_VARIABLES)),
    inheritedEnv: Object.freeze(pickPresent(env, INHERITED_VARIABLES, (name) => name.startsWith('LC_'))),
    observe: args.observe,
    prometheusPort,
    prometheusIntervalSeconds,
    prometheusBinary: readSetting(env, 'PROMETHEUS_BIN'),
    serviceEntryOverride: readSetting(env, 'LAUNCHER_SERVICE_ENTRY'),
  };
  return { ok: true, config: Object.freeze(config) };
};

/** For the composition root: one line per problem on stderr, then exit 78 (EX_CONFIG) like the services do. */
export const readLauncherConfigOrExit = (): LauncherConfig => {
  const result = loadLauncherConfig(process.env, process.argv.slice(2), process.cwd(), process.stdout.isTTY === true);
  if (result.ok) return result.config;
  for (const problem of result.problems) process.stderr.write(`launcher: config error: ${problem}\n`);
  process.exit(78);
};
