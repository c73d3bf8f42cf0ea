import { mkdir } from 'node:fs/promises';
import { startEmbeddedPostgres, startOrphanReaper, ensureDatabase, signalGroup } from '@ordering/embedded-database';
import { batchedStdout } from '@ordering/platform';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBanner, redactPassword } from './banner.js';
import { ensureConsoleBuilt } from './console-build.js';
import { claimDataDir } from './data-dir-claim.js';
import { ensureKeptSecret, KEPT_SECRETS } from './kept-secret.js';
import { ensureMessageKeys } from './message-keys.js';
import { SERVICE_NAMES, readLauncherConfigOrExit, type ServiceName } from './launcher-config.js';
import { launcherStatePath, removeLauncherState, writeLauncherState, type LauncherState, type ProcessState } from './launcher-state.js';
import { createLogPrefixer } from './log-prefixer.js';
import { assertPortsFree } from './free-ports.js';
import { superviseProcess, type SupervisedProcess } from './process-supervisor.js';
import { prometheusFiles, scrapeTargetsOf, writePrometheusFiles } from './prometheus-config.js';
import { locatePrometheus, PROMETHEUS_INSTALL_HINT, prometheusCommand, spawnPrometheus } from './prometheus-process.js';
import { waitUntilReady, type ReadinessTarget } from './readiness.js';
import { databaseName, planProcesses, plannedPorts, type ProcessSpec, type ServiceSecrets } from './service-plan.js';
import { spawnServiceProcess } from './service-process.js';

const config = readLauncherConfigOrExit();
/** Services are started relative to the repository, wherever the launcher was started from. */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const stateFile = launcherStatePath(config.dataDir);
const postgresDataDir = path.join(config.dataDir, 'postgres');

const longestName = Math.max(
  ...[
    'launcher',
    'postgres',
    'gateway',
    ...(config.observe ? ['prometheus'] : []),
    ...SERVICE_NAMES.map((name) => (config.replicas > 1 ? `${name}#${config.replicas - 1}` : name)),
  ].map((name) => name.length),
);
const prefixer = createLogPrefixer({ format: config.logFormat, colour: config.colour, nameWidth: longestName });
const say = prefixer('launcher');

let status: LauncherState['status'] = 'starting';
let postgres: SupervisedProcess | undefined;
let services: Array<{ spec: ProcessSpec; supervisor: SupervisedProcess }> = [];
/** With `--observe` and a Prometheus installed. */
let prometheus: { supervisor: SupervisedProcess; command: string } | undefined;
const prometheusUrl = `http://127.0.0.1:${config.prometheusPort}`;
let shuttingDown = false;
/** Ours only once claimed (never delete another launcher's file); released before deleting it, so a late update cannot bring it back. */
let stateFileOwnership: 'unclaimed' | 'owned' | 'released' = 'unclaimed';
const startupAborted = new AbortController();
const reaper = startOrphanReaper();

let stateWriteFailed = false;

const publishState = (): void => {
  const processes: ProcessState[] = [
    ...(postgres
      ? [
          {
            name: 'postgres',
            pid: postgres.pid() ?? null,
            port: config.embeddedPostgresPort,
            url: null,
            restarts: postgres.restarts(),
            command: `postgres -D ${postgresDataDir}`,
          },
        ]
      : []),
    ...services.map(({ spec, supervisor }) => ({
      name: spec.name,
      pid: supervisor.pid() ?? null,
      port: spec.port,
      url: spec.url,
      restarts: supervisor.restarts(),
      command: spec.entry,
    })),
    ...(prometheus
      ? [
          {
            name: 'prometheus',
            pid: prometheus.supervisor.pid() ?? null,
            port: config.prometheusPort,
            url: prometheusUrl,
            restarts: prometheus.supervisor.restarts(),
            command: prometheus.command,
          },
        ]
      : []),
  ];
  reaper.watch({
    services: processes.filter((entry) => entry.name !== 'postgres' && entry.pid !== null).map((entry) => entry.pid as number),
    postgres: postgres?.pid() ?? null,
  });
  if (stateFileOwnership !== 'owned') return;
  try {
    writeLauncherState(stateFile, {
      launcherPid: process.pid,
      status,
      gatewayUrl: `http://127.0.0.1:${config.gatewayPort}`,
      gatewayMetricsUrl: `http://127.0.0.1:${config.gatewayMetricsPort}`,
      prometheusUrl: prometheus ? prometheusUrl : null,
      updatedAt: new Date().toISOString(),
      processes,
    });
  } catch (error) {
    // The state file is for observers; a launcher that cannot write it (DATA_DIR removed, disk full) still supervises and still stops.
    if (!stateWriteFailed) say(`warning: cannot write ${stateFile}: ${error instanceof Error ? error.message : String(error)}`);
    stateWriteFailed = true;
    return;
  }
  stateWriteFailed = false;
};

const startDatabaseServer = async (): Promise<string> => {
  if (config.postgresUrl !== undefined) {
    say(`using the PostgreSQL server at ${redactPassword(config.postgresUrl)}`);
    return config.postgresUrl;
  }
  const printPostgresLine = prefixer('postgres');
  let url = '';
  postgres = superviseProcess({
    name: 'postgres',
    launch: async () => {
      const server = await startEmbeddedPostgres({
        dataDir: postgresDataDir,
        port: config.embeddedPostgresPort,
        onLog: printPostgresLine,
        detached: true,
      });
      url = server.url;
      return server;
    },
    log: say,
    onChange: publishState,
  });
  say(`starting the embedded PostgreSQL on port ${config.embeddedPostgresPort} (data in ${postgresDataDir})`);
  await postgres.start();
  return url;
};

const ensureDatabases = async (serverUrl: string): Promise<Record<ServiceName, string>> => {
  const entries = await Promise.all(
    SERVICE_NAMES.map(async (service) => [service, await ensureDatabase(serverUrl, databaseName(config, service))] as const),
  );
  return Object.fromEntries(entries) as Record<ServiceName, string>;
};

const startServices = async (databaseUrls: Record<ServiceName, string>, secrets: ServiceSecrets): Promise<ProcessSpec[]> => {
  const specs = planProcesses(config, databaseUrls, secrets);
  services = specs.map((spec) => ({
    spec,
    supervisor: superviseProcess({
      name: spec.name,
      launch: () => spawnServiceProcess(spec, { repoRoot, print: prefixer(spec.name) }),
      log: say,
      onChange: publishState,
    }),
  }));
  await Promise.all(services.map(({ supervisor }) => supervisor.start()));
  return specs;
};

/**
 * `--observe`: a Prometheus that scrapes every process of the plan, supervised like them. Without the binary the
 * system still starts: the observer is an extra, and one line says how to get it. Returns what to wait for.
 */
const startPrometheus = async (specs: readonly ProcessSpec[]): Promise<ReadinessTarget[]> => {
  if (!config.observe) return [];
  const binary = locatePrometheus(config.prometheusBinary, config.inheritedEnv['PATH']);
  if (binary === undefined) {
    const missing =
      config.prometheusBinary === undefined ? 'no prometheus on PATH' : `PROMETHEUS_BIN=${config.prometheusBinary} is not an executable`;
    say(`--observe: Prometheus is not installed (${missing}); install it with \`${PROMETHEUS_INSTALL_HINT}\`; going on without it`);
    return [];
  }
  const files = prometheusFiles(config.dataDir);
  writePrometheusFiles(files, { intervalSeconds: config.prometheusIntervalSeconds, repoRoot, targets: scrapeTargetsOf(config, specs) });
  const launch = { binary, files, port: config.prometheusPort, env: config.inheritedEnv, print: prefixer('prometheus') };
  prometheus = {
    supervisor: superviseProcess({ name: 'prometheus', launch: () => spawnPrometheus(launch), log: say, onChange: publishState }),
    command: prometheusCommand(launch),
  };
  say(`starting Prometheus on ${prometheusUrl} (config ${files.configFile})`);
  await prometheus.supervisor.start();
  return [{ name: 'prometheus', url: prometheusUrl, readyPath: '/-/ready' }];
};

const releaseStateFile = (): void => {
  try {
    if (stateFileOwnership === 'owned') removeLauncherState(stateFile);
  } catch (error) {
    say(`warning: cannot remove ${stateFile}: ${error instanceof Error ? error.message : String(error)}`);
  }
  stateFileOwnership = 'released';
};

const shutDown = async (exitCode: number): Promise<never> => {
  shuttingDown = true;
  status = 'stopping';
  startupAborted.abort();
  publishState();
  say('stopping services');
  await Promise.all([...services.map(({ supervisor }) => supervisor.stop()), prometheus?.supervisor.stop()]);
  if (postgres) {
    say('stopping PostgreSQL');
    await postgres.stop();
  }
  reaper.close();
  releaseStateFile();
  say('stopped');
  process.exit(exitCode);
};

/** A second Ctrl-C means "now": no more waiting for graceful shutdowns. */
const killEverything = (): never => {
  say('second signal: killing every process now');
  for (const { supervisor } of services) {
    const pid = supervisor.pid();
    if (pid !== undefined) signalGroup(pid, 'SIGKILL');
  }
  const prometheusPid = prometheus?.supervisor.pid();
  if (prometheusPid !== undefined) signalGroup(prometheusPid, 'SIGKILL');
  const postgresPid = postgres?.pid();
  if (postgresPid !== undefined) signalGroup(postgresPid, 'SIGKILL');
  reaper.close();
  releaseStateFile();
  process.exit(1);
};

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (shuttingDown) killEverything();
    say(`${signal} received`);
    void shutDown(0);
  });
}

const fail = (error: unknown): void => {
  if (shuttingDown) return;
  say(`error: ${error instanceof Error ? error.message : String(error)}`);
  void shutDown(1);
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

const start = async (): Promise<void> => {
  await ensureConsoleBuilt(repoRoot, say);
  if (shuttingDown) return;
  await mkdir(config.dataDir, { recursive: true });
  await claimDataDir(stateFile, say);
  stateFileOwnership = 'owned';
  publishState();
  const secrets: ServiceSecrets = {
    operatorToken: ensureKeptSecret(config.dataDir, KEPT_SECRETS.operatorToken, config.operatorToken, say),
    messageKeys: ensureMessageKeys(config.dataDir, SERVICE_NAMES, say),
    signingKeyEncryptionKey: ensureKeptSecret(config.dataDir, KEPT_SECRETS.signingKeyEncryptionKey, config.signingKeyEncryptionKey, say),
  };
  // Not the embedded PostgreSQL's port: an orphaned server of ours may hold it, and startEmbeddedPostgres stops it.
  await assertPortsFree(plannedPorts(config));
  const serverUrl = await startDatabaseServer();
  if (shuttingDown) return;
  const databaseUrls = await ensureDatabases(serverUrl);
  if (shuttingDown) return;
  const specs = await startServices(databaseUrls, secrets);
  if (shuttingDown) return;
  const observers = await startPrometheus(specs);
  if (shuttingDown) return;
  say('waiting for every process to answer /readyz');
  await waitUntilReady([...specs, ...observers], { signal: startupAborted.signal });
  if (shuttingDown) return;
  status = 'ready';
  publishState();
  // After every line printed so far: the banner's last line says the system is ready.
  batchedStdout().flushSync();
  process.stdout.write(`${formatBanner(config, specs, serverUrl, stateFile, prometheus ? prometheusUrl : undefined).join('\n')}\n`);
};

start().catch(fail);
