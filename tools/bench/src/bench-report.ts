import os from 'node:os';
import { BACKEND_SERVICES } from '@ordering/contracts';
import type { LatencyMethod, LoadShape, Mode } from './bench-config.js';
import { LATE_MS, POLL_INTERVAL_MS, type LoadResult } from './checkout-load.js';
import type { GatewayOverhead } from './gateway-overhead.js';
import { countInto, summarizeLatencies, type LatencySummary } from './latency-stats.js';
import type { InvariantResult } from './money-invariants.js';
import type { HopSummary } from './message-hops.js';
import type { ProfileSummary } from './profile-summary.js';
import type { IdleActivity, IdleMemory, RunResources } from './resource-usage.js';
import type { GroupName } from './system-processes.js';
import type { PreloadResult } from './saga-preload.js';
import type { SweepPlotInput } from './sweep-plot.js';
import type { ServerSagaDuration } from './saga-duration-metrics.js';
import type { YardstickResult } from './yardstick.js';

/** The report: built from the raw results, printed as a table and written as JSON (the same figures). */

export interface RunReport {
  readonly load: LoadShape;
  /** Why this run is there: one of the requested loads, or the open loop at half the sweep's peak. */
  readonly purpose: 'requested' | 'open-loop-at-half-peak';
  readonly loadSeconds: number;
  readonly drainSeconds: number;
  readonly checkouts: {
    readonly sent: number;
    readonly accepted: number;
    readonly failed: number;
    readonly late: number;
    readonly missed: number;
    readonly maxLatenessMs: number;
  };
  readonly acceptedPerSecond: number;
  /** Terminal sagas per second, from the first POST until the last saga became terminal. */
  readonly completedSagasPerSecond: number;
  readonly sagas: { readonly terminal: number; readonly notTerminal: number; readonly byStatus: Record<string, number> };
  /** From the POST (its due time in an open loop) until the client saw the saga terminal. */
  readonly sagaLatencyMs: LatencySummary;
  /**
   * Per saga, the client's latency minus the saga's own lifetime (its updatedAt - createdAt): what the gateway hop,
   * the observation method (`?wait` wake-up or poll interval) and the client add.
   */
  readonly observationOverheadMs: LatencySummary;
  /** The orchestrator's own mean saga duration for this run (saga_duration_seconds), without the client's observation. */
  readonly serverSagaDuration: ServerSagaDuration | null;
  readonly httpErrors: Record<string, number>;
  readonly yardstick: YardstickResult | { readonly error: string };
  /** completedSagasPerSecond / yardstick transactions per second: the cost of distribution (1 = free). */
  readonly sagaToYardstick: number | null;
  /** SQL round trips and CPU time per completed saga, read before and after the run (the yardstick is outside). */
  readonly resources: RunResources;
}

export interface BenchReport {
  readonly version: 1;
  readonly ok: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGiB: number;
    readonly loadAverageAtStart: readonly number[];
    readonly node: string;
    readonly platform: string;
  };
  readonly settings: {
    readonly mode: Mode;
    readonly transport: 'http' | 'rabbitmq';
    readonly replicas: number;
    readonly durationSeconds: number;
    readonly customers: number;
    readonly logLevel: string;
    readonly latencyMethod: LatencyMethod;
    readonly latencyMethodDescription: string;
  };
  readonly runs: readonly RunReport[];
  readonly gatewayOverhead: GatewayOverhead | { readonly error: string };
  readonly invariants: InvariantResult;
  /** Processes the launcher had to restart during the bench (should be none). */
  readonly restarts: Record<string, number>;
  /** The system's memory after start, before any load (and before the preload). */
  readonly idleMemory: IdleMemory;
  /** Right after start, before anything else: statements/s and CPU ms/s of the system doing nothing (in every run's figures too). */
  readonly idleActivity: IdleActivity | { readonly error: string };
  /** `--preload N`: what was written and how long it took; the saga count at the end includes every run's sagas. */
  readonly preload: (PreloadResult & { readonly sagaCountAtEnd: number | null }) | null;
  /** After a sweep of 2+ levels: the open loop at half the peak completed sagas/s (its p99 is a target). */
  readonly openLoopAtHalfPeak:
    { readonly peakSagasPerSecond: number; readonly rate: number; readonly p99Ms: number | null } | { readonly skipped: string };
  /** The sweep's SVG (`<report>.svg`): completed sagas/s and p99 against clients. */
  readonly plot: { readonly file: string } | { readonly file: null; readonly reason: string };
  /** Per message type, over every run: time between services, from their own tables (diagnostic). */
  readonly messageHops?: readonly HopSummary[];
  readonly profiles?: readonly ProfileSummary[];
}

export const describeLatencyMethod = (method: LatencyMethod): string =>
  method === 'wait'
    ? 'POST /api/checkout?wait=30: the response arrives when the saga is terminal; latency = POST sent -> response received'
    : `POST /api/checkout, then GET /api/checkout/{id} every ${POLL_INTERVAL_MS} ms; latency = POST sent -> first terminal GET (resolution ${POLL_INTERVAL_MS} ms)`;

/** Not Math.max(...values): a long run has more samples than a call may take arguments. */
const latest = (values: readonly number[], floor: number): number => values.reduce((max, value) => (value > max ? value : max), floor);

const observationOverhead = (record: LoadResult['records'][number]): number[] => {
  const created = Date.parse(record.saga?.createdAt ?? '');
  const updated = Date.parse(record.saga?.updatedAt ?? '');
  if (record.terminalAt === undefined || !Number.isFinite(created) || !Number.isFinite(updated)) return [];
  return [record.terminalAt - record.dueAt - (updated - created)];
};

const perSecond = (count: number, seconds: number): number => (seconds <= 0 ? 0 : Math.round((count / seconds) * 10) / 10);

export const machineInfo = (): BenchReport['machine'] => ({
  cpus: os.availableParallelism(),
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
});

export const buildRunReport = (
  load: LoadShape,
  purpose: RunReport['purpose'],
  result: LoadResult,
  yardstick: YardstickResult | { error: string },
  serverSagaDuration: ServerSagaDuration | null,
  resources: RunResources,
): RunReport => {
  const terminal = result.records.filter((record) => record.terminalAt !== undefined);
  const accepted = result.records.filter((record) => record.acceptedAt !== undefined);
  const byStatus: Record<string, number> = {};
  for (const record of terminal)
    countInto(byStatus, record.saga?.status === 'ABORTED' ? `ABORTED ${record.saga.reason ?? ''}`.trim() : (record.saga?.status ?? '?'));
  const lastTerminal = latest(
    terminal.map((record) => record.terminalAt ?? 0),
    result.startedAt,
  );
  const completedSagasPerSecond = perSecond(terminal.length, (lastTerminal - result.startedAt) / 1000);
  const loadSeconds = (result.loadEndedAt - result.startedAt) / 1000;
  return {
    load,
    purpose,
    loadSeconds: Math.round(loadSeconds * 100) / 100,
    drainSeconds: Math.round(Math.max(0, result.drainedAt - result.loadEndedAt) / 10) / 100,
    checkouts: {
      sent: result.records.length,
      accepted: accepted.length,
      failed: result.records.length - accepted.length,
      late: result.late,
      missed: result.missed,
      maxLatenessMs: Math.round(result.maxLatenessMs * 100) / 100,
    },
    // Accepted during the load window: in a closed loop the last responses arrive just after it closes.
    acceptedPerSecond: perSecond(
      accepted.length,
      Math.max(
        loadSeconds,
        (latest(
          accepted.map((record) => record.acceptedAt ?? 0),
          result.startedAt,
        ) -
          result.startedAt) /
          1000,
      ),
    ),
    completedSagasPerSecond,
    sagas: { terminal: terminal.length, notTerminal: accepted.length - terminal.length, byStatus },
    sagaLatencyMs: summarizeLatencies(terminal.map((record) => (record.terminalAt ?? 0) - record.dueAt)),
    serverSagaDuration,
    observationOverheadMs: summarizeLatencies(terminal.flatMap(observationOverhead)),
    httpErrors: result.httpErrors,
    yardstick,
    sagaToYardstick:
      'error' in yardstick || yardstick.transactionsPerSecond === 0
        ? null
        : Math.round((completedSagasPerSecond / yardstick.transactionsPerSecond) * 1000) / 1000,
    resources,
  };
};

/** The report's file name with `.svg` for `.json`. */
export const plotFileFor = (outFile: string): string => `${outFile.replace(/\.json$/, '')}.svg`;

/** The closed-loop runs as plot points, and the open loop at half the peak as a reference. */
export const sweepPlotInput = (
  report: Pick<BenchReport, 'runs' | 'settings' | 'machine' | 'openLoopAtHalfPeak' | 'startedAt'>,
): SweepPlotInput => {
  const { settings, machine } = report;
  const points = report.runs.flatMap((run) =>
    run.load.kind === 'closed'
      ? [{ clients: run.load.concurrency, sagasPerSecond: run.completedSagasPerSecond, p99Ms: run.sagaLatencyMs.p99 }]
      : [],
  );
  const openLoop =
    'rate' in report.openLoopAtHalfPeak ? { rate: report.openLoopAtHalfPeak.rate, p99Ms: report.openLoopAtHalfPeak.p99Ms } : undefined;
  return {
    title: `checkout sagas, ${settings.mode} mode (${settings.transport}), ${settings.replicas} replica(s) per service`,
    subtitles: [
      `machine: ${machine.cpus} cores ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}`,
      `${settings.durationSeconds} s per level, latency via ${settings.latencyMethod === 'wait' ? '?wait' : 'polling'}; load average at start ${machine.loadAverageAtStart.join(' ')}; ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    ],
    points,
    ...(openLoop ? { openLoop } : {}),
  };
};

const pad = (cells: readonly string[], widths: readonly number[]): string =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');

const table = (header: readonly string[], rows: readonly (readonly string[])[]): string[] => {
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? '').length)));
  return [pad(header, widths), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map((row) => pad(row, widths))];
};

const ms = (value: number | null): string => (value === null ? '-' : value.toFixed(value >= 100 ? 0 : 1));
const loadLabel = (load: LoadShape): string => (load.kind === 'closed' ? `c=${load.concurrency}` : `rate=${load.rate}/s`);
const errorsLabel = (errors: Record<string, number>): string => {
  const entries = Object.entries(errors);
  return entries.length === 0 ? '0' : entries.map(([key, count]) => `${key}:${count}`).join(' ');
};

const GROUP_ORDER = ['gateway', ...BACKEND_SERVICES, 'launcher', 'postgres', 'rabbitmq'] as const satisfies readonly GroupName[];

const mib = (value: number | null): string => (value === null ? '-' : `${value.toFixed(0)} MB`);

/** Idle memory, the preload, the open loop at half the peak, and per run where the round trips and CPU time went. */
const resourceLines = (report: BenchReport): string[] => {
  const lines: string[] = [''];
  const memory = report.idleMemory;
  const groups = GROUP_ORDER.flatMap((name) => (memory.byGroup[name] ? [`${name} ${memory.byGroup[name].rssMiB.toFixed(0)}`] : []));
  lines.push(
    `idle RSS after start: ${mib(memory.rssMiB)} (Pss ${mib(memory.pssMiB)}; MB by process: ${groups.join(', ')})${memory.reason ? `: ${memory.reason}` : ''}`,
  );
  lines.push(`  includes ${memory.included}`);
  const idle = report.idleActivity;
  if ('error' in idle) lines.push(`idle activity: could not be read: ${idle.error}`);
  else {
    const byService = Object.entries(idle.sqlByService)
      .filter(([, rate]) => rate > 0)
      .map(([name, rate]) => `${name} ${rate}`)
      .join(', ');
    lines.push(
      `idle activity (${idle.seconds} s after start, no load): ${idle.sqlStatementsPerSecond ?? '-'} SQL statements/s (${byService || 'none'}), ${idle.cpuMsPerSecond ?? '-'} CPU ms/s${idle.reason ? ` (${idle.reason})` : ''}`,
    );
  }
  if (report.preload) {
    const p = report.preload;
    lines.push(
      `preload: ${p.sagas} finished sagas (${p.steps} steps, ${p.commands} commands, ${p.inboxRows} inbox rows) in ${p.seconds} s (insert ${p.insertSeconds} s, vacuum analyze ${p.vacuumAnalyzeSeconds} s); sagas at the end: ${p.sagaCountAtEnd ?? '-'}`,
    );
  }
  const open = report.openLoopAtHalfPeak;
  lines.push(
    'rate' in open
      ? `open loop at half the peak (${open.peakSagasPerSecond} sagas/s): rate ${open.rate}/s, p99 ${ms(open.p99Ms)} ms`
      : `open loop at half the peak: ${open.skipped}`,
  );
  lines.push('', "per completed saga, by process (SQL round trips | CPU ms; the bench client's own CPU apart):");
  const cpuGroups = GROUP_ORDER.filter((name) => report.runs.some((run) => run.resources.cpu.byGroup[name] !== undefined));
  const rtServices = GROUP_ORDER.filter((name) => report.runs.some((run) => run.resources.sqlRoundTrips.byService[name] !== undefined));
  lines.push(
    ...table(
      [
        'load',
        ...rtServices.map((name) => `rt ${name}`),
        ...cpuGroups.map((name) => `cpu ${name}${report.runs.some((run) => run.resources.cpu.byGroup[name]?.shared) ? '*' : ''}`),
        'cpu bench',
      ],
      report.runs.map((run) => [
        loadLabel(run.load),
        ...rtServices.map((name) => ms(run.resources.sqlRoundTrips.byService[name]?.perSaga ?? null)),
        ...cpuGroups.map((name) => ms(run.resources.cpu.byGroup[name]?.perSaga ?? null)),
        ms(run.resources.cpu.bench.perSaga),
      ]),
    ),
  );
  lines.push(
    `  rt/saga net of the idle system's statements (an estimate): ${report.runs.map((run) => `${loadLabel(run.load)} ${ms(run.resources.sqlRoundTrips.netOfIdlePerSaga)}`).join(', ')}`,
  );
  if (cpuGroups.some((name) => report.runs.some((run) => run.resources.cpu.byGroup[name]?.shared))) {
    lines.push('  * a shared server of this machine: its CPU includes whatever else used it meanwhile');
    lines.push(
      `  cpu ms/saga without the shared servers: ${report.runs.map((run) => `${loadLabel(run.load)} ${ms(run.resources.cpu.ownProcesses.perSaga)}`).join(', ')}`,
    );
  }
  for (const run of report.runs) {
    if (run.resources.sqlRoundTrips.reason) lines.push(`  ${loadLabel(run.load)}: no round trips: ${run.resources.sqlRoundTrips.reason}`);
    if (run.resources.cpu.reason) lines.push(`  ${loadLabel(run.load)}: no CPU total: ${run.resources.cpu.reason}`);
  }
  return lines;
};

export const formatReport = (report: BenchReport, outFile: string): string => {
  const { settings, machine } = report;
  const lines = [
    '',
    `checkout saga benchmark: ${settings.mode} (${settings.transport} transport), ${settings.replicas} replica(s), ${settings.customers} customers, ${settings.durationSeconds} s per run, LOG_LEVEL=${settings.logLevel}`,
    `machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, load average at start ${machine.loadAverageAtStart.join(' ')}, node ${machine.node}`,
    `saga latency: ${settings.latencyMethodDescription}`,
    '',
    ...table(
      [
        'load',
        'accepted/s',
        'sagas/s',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'max ms',
        'server mean ms',
        'overhead p50',
        'completed',
        'aborted',
        'http errors',
        'rt/saga',
        'cpu ms/saga',
        'yardstick tx/s',
        'saga/yardstick',
      ],
      report.runs.map((run) => [
        `${loadLabel(run.load)}${run.purpose === 'open-loop-at-half-peak' ? ' (half peak)' : ''}`,
        run.acceptedPerSecond.toFixed(1),
        run.completedSagasPerSecond.toFixed(1),
        ms(run.sagaLatencyMs.p50),
        ms(run.sagaLatencyMs.p90),
        ms(run.sagaLatencyMs.p99),
        ms(run.sagaLatencyMs.max),
        ms(run.serverSagaDuration?.meanMs ?? null),
        ms(run.observationOverheadMs.p50),
        String(run.sagas.byStatus.COMPLETED ?? 0),
        String(run.sagas.terminal - (run.sagas.byStatus.COMPLETED ?? 0)),
        errorsLabel(run.httpErrors),
        run.resources.sqlRoundTripsPerSaga === null ? '-' : run.resources.sqlRoundTripsPerSaga.toFixed(1),
        run.resources.cpuMsPerSaga === null ? '-' : run.resources.cpuMsPerSaga.toFixed(2),
        'error' in run.yardstick
          ? 'error'
          : `${run.yardstick.transactionsPerSecond.toFixed(1)} (${run.yardstick.tool}${run.yardstick.concurrency < run.yardstick.requestedConcurrency ? `, c=${run.yardstick.concurrency}` : ''})`,
        run.sagaToYardstick === null ? '-' : run.sagaToYardstick.toFixed(3),
      ]),
    ),
  ];
  for (const run of report.runs) {
    if (run.load.kind === 'open')
      lines.push(
        `open loop ${loadLabel(run.load)}: ${run.checkouts.late} sends later than ${LATE_MS} ms (worst ${run.checkouts.maxLatenessMs} ms), ${run.checkouts.missed} missed`,
      );
    if ('error' in run.yardstick) lines.push(`yardstick at ${loadLabel(run.load)} failed: ${run.yardstick.error}`);
    if (run.sagas.notTerminal > 0) lines.push(`${loadLabel(run.load)}: ${run.sagas.notTerminal} sagas never became terminal`);
  }
  lines.push(...resourceLines(report));
  const overhead = report.gatewayOverhead;
  lines.push('');
  if ('error' in overhead) {
    lines.push(`gateway overhead: failed: ${overhead.error}`);
  } else {
    lines.push(`gateway overhead: GET ${overhead.route}, ${overhead.concurrency} clients, ${overhead.seconds} s each`);
    lines.push(
      ...table(
        ['via', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'throughput vs direct', 'p50 vs direct'],
        overhead.results.map((result) => {
          const direct = overhead.results.find((entry) => entry.target === 'direct');
          const vs = (a: number | null, b: number | null | undefined): string => (a === null || !b ? '-' : (a / b).toFixed(2));
          return [
            result.target,
            result.requestsPerSecond.toFixed(0),
            ms(result.latencyMs.p50),
            ms(result.latencyMs.p99),
            errorsLabel(result.errors),
            vs(result.requestsPerSecond, direct?.requestsPerSecond),
            vs(result.latencyMs.p50, direct?.latencyMs.p50),
          ];
        }),
      ),
    );
    if (overhead.nginxSkipped) lines.push(`(nginx: ${overhead.nginxSkipped})`);
  }
  const inv = report.invariants;
  lines.push(
    '',
    `money invariants: ${inv.ok ? 'ok' : 'FAILED'} (${inv.customersChecked} customers, ${inv.ordersChecked} orders, ${inv.sagasChecked} sagas)`,
  );
  for (const problem of inv.problems) lines.push(`  ${problem}`);
  if (inv.problemCount > inv.problems.length) lines.push(`  … and ${inv.problemCount - inv.problems.length} more`);
  const restarts = Object.entries(report.restarts);
  if (restarts.length > 0)
    lines.push(`process restarts during the bench: ${restarts.map(([name, count]) => `${name} x${count}`).join(', ')}`);
  if (report.messageHops && report.messageHops.length > 0) {
    lines.push(
      '',
      'message hops (from the services\' outbox and inbox rows, all runs; "inserted" is the outbox row\'s created_at, its insert time):',
    );
    lines.push(
      ...table(
        ['message', 'from -> to', 'inserted->received p50', 'p99', 'received->marked sent p50', 'p99'],
        report.messageHops.map((hop) => [
          hop.messageType,
          `${hop.from} -> ${hop.to}`,
          ms(hop.toReceivedMs.p50),
          ms(hop.toReceivedMs.p99),
          ms(hop.receivedToMarkedSentMs.p50),
          ms(hop.receivedToMarkedSentMs.p99),
        ]),
      ),
    );
  }
  for (const profile of report.profiles ?? []) {
    lines.push(
      '',
      `profile ${profile.process}: busy ${profile.busySeconds} of ${profile.seconds} s; by area: ${profile.byArea
        .slice(0, 6)
        .map((area) => `${area.name} ${area.percent}%`)
        .join(', ')}`,
    );
  }
  lines.push('', `report: ${outFile}`);
  lines.push(report.plot.file === null ? `plot: none (${report.plot.reason})` : `plot: ${report.plot.file}`);
  return lines.join('\n');
};
