import { randomBytes } from 'node:crypto';
import { BACKEND_SERVICES, SYSTEM_SERVICES, type BackendService, type SystemService } from '@ordering/contracts';
import { databaseUrl as databaseUrlOn } from '@ordering/embedded-database';
import { launchThrowawaySystem, type LauncherState, type ProcessState } from '@ordering/launcher';
import { E2E_ADMIN } from './builders.js';
import { brokerUrlOnVhost, createBrokerVhost, deleteBrokerVhost, testBrokerUrl, testDatabaseUrl, testRedisUrl } from './infrastructure.js';
import { eventually } from './wait.js';

/**
 * The whole system as a black box: the real launcher (`npm start`), started on a throwaway DATA_DIR and free ports,
 * observed only through HTTP, its output and its state file.
 */

export type { LauncherState, ProcessState } from '@ordering/launcher';

/** The services and every supervised HTTP process, from the system map. */
export const SERVICE_NAMES = BACKEND_SERVICES;
export type ServiceName = BackendService;
export type HttpProcessName = SystemService;
export const HTTP_PROCESS_NAMES: readonly HttpProcessName[] = SYSTEM_SERVICES;

export interface StartSystemOptions {
  /** Extra launcher environment, e.g. `{ RATE_LIMIT_MAX: '50' }`. Applied last. */
  readonly env?: Readonly<Record<string, string>>;
  /** Processes per service (the launcher's REPLICAS). Default 1, or 2 on RabbitMQ (production mode runs replicated). */
  readonly replicas?: number;
  /** How long to wait for the `ready:` line. Default 120 s. */
  readonly readyTimeoutMs?: number;
  /** The launcher's arguments, as after `npm start --`, e.g. `['--observe']`. */
  readonly args?: readonly string[];
}

export interface LogLine {
  /** `gateway`, `customer`, `customer#1`, `postgres`, `launcher`, or '' for an unprefixed line (the banner). */
  readonly process: string;
  /** The text after `name | `. */
  readonly text: string;
  /** The parsed pino record, when the text is a JSON object. */
  readonly json: Record<string, unknown> | undefined;
}

export interface RunningSystem {
  readonly gatewayUrl: string;
  readonly serviceUrls: Readonly<Record<ServiceName, string>>;
  readonly dataDir: string;
  /** True when the system runs on the external PostgreSQL named by TEST_DATABASE_URL (no `postgres` process). */
  readonly externalPostgres: boolean;
  /** The BROKER_URL the services got (a virtual host of its own on TEST_BROKER_URL's server), or undefined on HTTP. */
  readonly brokerUrl: string | undefined;
  /** Processes per service. */
  readonly replicas: number;
  /** Every captured line of the launcher's stdout and stderr (the last MAX_KEPT_LINES), raw. */
  logs(): string[];
  /** The captured lines, split into process name and (for JSON lines) the parsed record. */
  logLines(): LogLine[];
  /** The last `count` lines, as one string for failure messages. */
  tail(count?: number): string;
  /** What a process printed and what the launcher said about it (its exits and restarts), for a crash's failure message. */
  crashReport(name: string, count?: number): string;
  /** The launcher's state file, as it is now. Throws if it is missing. */
  state(): LauncherState;
  processState(name: string): ProcessState;
  /** Prometheus's URL from the state file (`--observe`); undefined when the launcher runs none. */
  prometheusUrl(): string | undefined;
  /** Sends `signal` to the pid the state file names for `name`; returns that pid. */
  killProcess(name: string, signal?: NodeJS.Signals): number;
  /** Waits until the state file shows a new pid for `name` and, for an HTTP process, its own `/readyz` answers 200. */
  waitForRestart(name: string, previousPid: number, timeoutMs?: number): Promise<ProcessState>;
  /** Waits until the gateway's and every service's `/readyz` answer 200. */
  waitUntilReady(timeoutMs?: number): Promise<void>;
  /** A connection URL for a service's own database (for the few white-box reads a black-box suite needs). */
  databaseUrl(service: ServiceName): string;
  /** SIGTERM to the launcher, expects exit code 0 within 30 s, then removes DATA_DIR (and external databases). */
  stop(): Promise<void>;
}

const MAX_KEPT_LINES = 20_000;
const PREFIXED_LINE = /^([A-Za-z0-9#_-]+)\s*\| (.*)$/;
const STOP_TIMEOUT_MS = 30_000;

/** Beyond what places the system: variables of the developer's or CI's shell that would change it; the suite sets its own. */
const ALSO_SCRUBBED = [
  'REDIS_URL',
  'RATE_LIMIT_REDIS_PREFIX',
  'PASSWORD_HASH_COST_LOG2',
  'ADMIN_EMAIL',
  'ADMIN_PASSWORD',
  'TOKEN_TTL_SECONDS',
  'UPSTREAM_TIMEOUT_MS',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'PROMETHEUS_INTERVAL_SECONDS',
  'PROMETHEUS_BIN',
];

/** `postgres://user@host:port/db` -> `postgres://user@host:port`: the launcher creates its own databases there. */
const serverBaseUrl = (url: string): string => {
  const parsed = new URL(url);
  parsed.pathname = '';
  parsed.search = '';
  return parsed.toString().replace(/\/$/, '');
};

const parseLine = (raw: string): LogLine => {
  const match = PREFIXED_LINE.exec(raw);
  if (!match) return { process: '', text: raw, json: undefined };
  const text = match[2] ?? '';
  let json: Record<string, unknown> | undefined;
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
    } catch {
      json = undefined;
    }
  }
  return { process: match[1] ?? '', text, json };
};

const statusOf = async (url: string): Promise<number> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  await response.arrayBuffer();
  return response.status;
};

/** On TEST_BROKER_URL's server, a virtual host of this system's own: queues left by an earlier system never reach it. */
const prepareBroker = async (): Promise<{ url: string; vhost: string } | undefined> => {
  const serverUrl = testBrokerUrl();
  if (serverUrl === undefined) return undefined;
  const vhost = `e2e_${randomBytes(4).toString('hex')}`;
  await createBrokerVhost(serverUrl, vhost);
  return { url: brokerUrlOnVhost(serverUrl, vhost), vhost };
};

/** The suite's own settings, on top of the place the throwaway launch gives the system. */
const suiteSettings = (replicas: number, broker: { url: string } | undefined, options: StartSystemOptions): Record<string, string> => {
  const redisUrl = testRedisUrl();
  return {
    ADMIN_EMAIL: E2E_ADMIN.email,
    ADMIN_PASSWORD: E2E_ADMIN.password,
    // Suites register hundreds of customers: cheap hashes keep them quick (the launcher then gives the customer service
    // the development switch, which allows them). The real cost, N = 2^17, is the customer service's own tests' subject.
    PASSWORD_HASH_COST_LOG2: '12',
    ...(broker ? { BROKER_URL: broker.url } : {}),
    // Its own key prefix: counts of an earlier system (or the other CI pass) never limit this one.
    ...(redisUrl ? { REDIS_URL: redisUrl, RATE_LIMIT_REDIS_PREFIX: `e2e:${randomBytes(4).toString('hex')}:` } : {}),
    ...options.env,
  };
};

export const startSystem = async (options: StartSystemOptions = {}): Promise<RunningSystem> => {
  const broker = await prepareBroker();
  const replicas = options.replicas ?? (broker ? 2 : 1);
  const databaseServer = testDatabaseUrl();
  const external =
    databaseServer !== undefined
      ? { serverUrl: serverBaseUrl(databaseServer), prefix: `e2e_${randomBytes(4).toString('hex')}_` }
      : undefined;

  const throwaway = await launchThrowawaySystem({
    inheritedEnv: process.env,
    alsoScrubbed: ALSO_SCRUBBED,
    directoryPrefix: 'ordering-e2e-',
    replicas,
    ...(external ? { externalPostgres: external } : {}),
    settings: () => suiteSettings(replicas, broker, options),
    cleanUp: async () => {
      if (broker) await deleteBrokerVhost(broker.vhost).catch(() => undefined);
    },
    keptLines: MAX_KEPT_LINES,
    readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
    stopTimeoutMs: STOP_TIMEOUT_MS,
    failureTailLines: 150,
    ...(options.args ? { launcherArgs: options.args } : {}),
  });
  const { launcher, dataDir, stateFile } = throwaway;
  const tail = (count = 80): string => launcher.tail(count);

  const gatewayUrl = launcher.gatewayUrl;
  const state = (): LauncherState => {
    const current = throwaway.readState();
    if (!current) throw new Error(`no launcher state file at ${stateFile}\n${tail(40)}`);
    return current;
  };
  const processState = (name: string): ProcessState => {
    const found = state().processes.find((entry) => entry.name === name);
    if (!found) throw new Error(`the state file names no process "${name}": ${JSON.stringify(state().processes.map((p) => p.name))}`);
    return found;
  };
  const urlOf = (name: ServiceName): string => {
    const url = processState(name).url;
    if (url === null) throw new Error(`the state file has no URL for ${name}`);
    return url;
  };
  const serviceUrls = Object.fromEntries(SERVICE_NAMES.map((name) => [name, urlOf(name)])) as Record<ServiceName, string>;

  const waitUntilReady = async (timeoutMs = 90_000): Promise<void> => {
    const urls = [gatewayUrl, ...SERVICE_NAMES.map((name) => serviceUrls[name])];
    await eventually(
      async () => {
        const statuses = await Promise.all(urls.map((url) => statusOf(`${url}/readyz`).catch((error: unknown) => String(error))));
        const notReady = urls.filter((_, i) => statuses[i] !== 200).map((url, i) => `${url} -> ${String(statuses[i])}`);
        if (notReady.length > 0) throw new Error(`not ready: ${notReady.join(', ')}`);
        return true;
      },
      { what: 'every /readyz to answer 200', timeoutMs, context: () => tail(60) },
    );
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const { exit, alreadyExited, killed } = await throwaway.stop();
      const output = tail(100);
      if (alreadyExited)
        throw new Error(`the launcher had already exited (code ${exit.code}, signal ${exit.signal}) before stop()\n${output}`);
      if (killed) throw new Error(`the launcher did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM (killed it)\n${output}`);
      if (exit.code !== 0) throw new Error(`the launcher exited with ${JSON.stringify(exit)} after SIGTERM, expected code 0\n${output}`);
    })();
    return stopping;
  };

  return {
    gatewayUrl,
    serviceUrls,
    dataDir,
    externalPostgres: external !== undefined,
    brokerUrl: broker?.url,
    replicas,
    logs: () => launcher.lines(),
    logLines: () => launcher.lines().map(parseLine),
    tail,
    crashReport: (name, count = 60) => {
      const relevant = launcher.lines().filter((line) => {
        const parsed = parseLine(line);
        return parsed.process === name || (parsed.process === 'launcher' && parsed.text.startsWith(`${name} `));
      });
      return `--- last ${Math.min(count, relevant.length)} lines of ${name} and the launcher about it ---\n${relevant.slice(-count).join('\n')}`;
    },
    state,
    processState,
    prometheusUrl: () => state().prometheusUrl ?? undefined,
    killProcess: (name, signal = 'SIGKILL') => {
      const { pid } = processState(name);
      if (pid === null) throw new Error(`${name} has no pid right now (it is between restarts)`);
      process.kill(pid, signal);
      return pid;
    },
    waitForRestart: async (name, previousPid, timeoutMs = 90_000) => {
      const deadline = Date.now() + timeoutMs;
      const restarted = await eventually(
        async () => {
          const entry = processState(name);
          return entry.pid !== null && entry.pid !== previousPid ? entry : undefined;
        },
        { what: `${name} to get a new pid (was ${previousPid}) in the state file`, timeoutMs, context: () => tail(60) },
      );
      if (restarted.url === null) return restarted;
      const url = restarted.url;
      await eventually(async () => ((await statusOf(`${url}/readyz`)) === 200 ? true : undefined), {
        what: `${name} (${url}) to answer /readyz with 200 after its restart`,
        timeoutMs: Math.max(deadline - Date.now(), 1_000),
        context: () => tail(60),
      });
      return processState(name);
    },
    waitUntilReady,
    databaseUrl: (service) => {
      if (external) return databaseUrlOn(external.serverUrl, `${external.prefix}${service}`);
      const postgres = processState('postgres');
      return `postgres://postgres:postgres@127.0.0.1:${postgres.port}/${service}`;
    },
    stop,
  };
};
