import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport, RunReport } from '../src/bench-report.js';
import { xmlProblem } from './xml-problem.js';

/**
 * `npm run bench` for real, briefly, once for every check: embedded mode, a sweep of 1 and 2 clients for 2 seconds
 * each (so the open loop at half the peak follows), 500 preloaded sagas. Checks the report's shape, that its counts
 * agree with each other, that the cost figures are there and plausible, and that the invariant check passed; never
 * how fast anything was.
 */

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PRELOAD = 500;

const BENCH = ['--conditions=development', '--import', 'tsx', 'tools/bench/src/main.ts'];

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

const runBench = (args: string[], timeoutMs: number): Promise<Finished> =>
  new Promise((resolve) => {
    const env = { ...process.env };
    for (const name of ['POSTGRES_URL', 'BROKER_URL', 'LOG_LEVEL', 'DATA_DIR']) delete env[name];
    const child = spawn(process.execPath, [...BENCH, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    // 'close', not 'exit': only then has all of the output been read.
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });

describe('npm run bench', () => {
  let dir: string;
  let finished: Finished;
  let report: BenchReport;
  const outFile = (): string => path.join(dir, 'report.json');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bench-smoke-'));
    finished = await runBench(
      ['--duration', '2s', '--sweep', '1,2', '--customers', '2', '--preload', String(PRELOAD), '--out', outFile()],
      300_000,
    );
    report = JSON.parse(await readFile(outFile(), 'utf8').catch(() => 'null')) as BenchReport;
  }, 340_000);

  const sum = (runs: readonly RunReport[], of: (run: RunReport) => number): number => runs.reduce((total, run) => total + of(run), 0);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when a 2-second embedded sweep finishes, then it exits 0, prints the table with the cost columns and names the JSON and SVG files', () => {
    expect(finished.code, `${finished.stdout}\n${finished.stderr}`).toBe(0);
    expect(finished.stdout).toContain('accepted/s');
    expect(finished.stdout).toContain('rt/saga');
    expect(finished.stdout).toContain('cpu ms/saga');
    expect(finished.stdout).toMatch(/^idle RSS after start: \d+ MB/m);
    expect(finished.stdout).toContain('money invariants: ok');
    expect(finished.stdout).toContain(`report: ${outFile()}`);
    expect(finished.stdout).toContain(`plot: ${path.join(dir, 'report.svg')}`);
  });

  it('when the report is read, then every field is there and the counts agree with each other', () => {
    expect(report).toMatchObject({
      version: 1,
      ok: true,
      settings: { mode: 'embedded', transport: 'http', replicas: 1, latencyMethod: 'wait', customers: 2 },
      machine: { cpus: expect.any(Number), node: expect.any(String) },
      restarts: {},
    });
    expect(report.runs.map((run) => (run.load.kind === 'closed' ? run.load.concurrency : 'open'))).toEqual([1, 2, 'open']);
    for (const run of report.runs) {
      expect(run.checkouts.accepted).toBeGreaterThan(0);
      expect(run.checkouts.accepted + run.checkouts.failed).toBe(run.checkouts.sent);
      expect(run.sagas.terminal).toBe(run.checkouts.accepted);
      expect(run.sagas.notTerminal).toBe(0);
      expect(Object.values(run.sagas.byStatus).reduce((a, b) => a + b, 0)).toBe(run.sagas.terminal);
      expect(run.sagaLatencyMs.count).toBe(run.sagas.terminal);
      for (const key of ['p50', 'p90', 'p99', 'max'] as const) expect(run.sagaLatencyMs[key]).toBeGreaterThan(0);
      expect(run.sagaLatencyMs.p50 ?? 0).toBeLessThanOrEqual(run.sagaLatencyMs.p99 ?? 0);
      expect(run.acceptedPerSecond).toBeGreaterThan(0);
      expect(run.completedSagasPerSecond).toBeGreaterThan(0);
      expect(run.httpErrors).toEqual(expect.any(Object));
      expect(run.yardstick).toMatchObject({
        tool: expect.stringMatching(/^(pgbench|node-postgres)$/),
        concurrency: run.load.kind === 'closed' ? run.load.concurrency : expect.any(Number),
        transactions: expect.any(Number),
      });
      if ('error' in run.yardstick) throw new Error(run.yardstick.error);
      expect(run.yardstick.approvedOrders).toBe(run.yardstick.transactions);
      expect(run.sagaToYardstick).toBeGreaterThan(0);
    }
  });

  it('when the cost of each run is read, then round trips and CPU time per saga are there, plausible and add up by process', () => {
    for (const run of report.runs) {
      const { resources } = run;
      expect(resources.sagas).toBe(run.sagas.terminal);
      expect(resources.sqlRoundTrips.reason).toBeUndefined();
      expect(resources.sqlRoundTripsPerSaga).toBeGreaterThan(5);
      expect(resources.sqlRoundTrips.netOfIdlePerSaga).toBeGreaterThanOrEqual(0);
      expect(resources.sqlRoundTrips.netOfIdlePerSaga).toBeLessThanOrEqual(resources.sqlRoundTripsPerSaga ?? 0);
      for (const service of ['order', 'account', 'orchestrator'])
        expect(resources.sqlRoundTrips.byService[service]?.perSaga).toBeGreaterThan(0);
      expect(resources.sqlRoundTrips.byService.gateway?.total).toBe(0);
      expect(Object.values(resources.sqlRoundTrips.byService).reduce((total, entry) => total + entry.total, 0)).toBeCloseTo(
        resources.sqlRoundTrips.total ?? Number.NaN,
        1,
      );
      expect(resources.cpu.reason).toBeUndefined();
      expect(resources.cpuMsPerSaga).toBeGreaterThan(0);
      expect(Object.keys(resources.cpu.byGroup).sort()).toEqual([
        'account',
        'customer',
        'gateway',
        'launcher',
        'orchestrator',
        'order',
        'postgres',
      ]);
      for (const entry of Object.values(resources.cpu.byGroup)) expect(entry.total).toBeGreaterThanOrEqual(0);
      expect(resources.cpu.byGroup.postgres?.total).toBeGreaterThan(0);
      expect(resources.cpu.byGroup.orchestrator?.total).toBeGreaterThan(0);
      expect(resources.cpu.bench.total).toBeGreaterThan(0);
      // Embedded: nothing is shared, so the system's own processes are all of it.
      expect(resources.cpu.ownProcesses.total).toBeCloseTo(resources.cpu.totalMs ?? Number.NaN, 0);
    }
    expect(report.idleMemory.rssMiB).toBeGreaterThan(50);
    expect(report.idleMemory.byGroup.postgres?.processes).toBeGreaterThan(1);
    expect(report.idleMemory.included).toContain('PostgreSQL');
    if ('error' in report.idleActivity) throw new Error(report.idleActivity.error);
    expect(report.idleActivity.seconds).toBeGreaterThan(1);
    expect(report.idleActivity.cpuMsPerSecond).toBeGreaterThan(0);
  });

  it('when the sweep had two levels, then an open-loop run at half the peak follows and the SVG plots both series', async () => {
    const closed = report.runs.filter((run) => run.purpose === 'requested');
    const peak = Math.max(...closed.map((run) => run.completedSagasPerSecond));
    const open = report.runs.find((run) => run.purpose === 'open-loop-at-half-peak');
    expect(open?.load).toEqual({ kind: 'open', rate: Math.max(1, Math.round(peak / 2)) });
    expect(report.openLoopAtHalfPeak).toEqual({
      peakSagasPerSecond: peak,
      rate: Math.max(1, Math.round(peak / 2)),
      p99Ms: open?.sagaLatencyMs.p99,
    });
    expect(report.plot).toEqual({ file: path.join(dir, 'report.svg') });
    const svg = await readFile(path.join(dir, 'report.svg'), 'utf8');
    expect(xmlProblem(svg)).toBeUndefined();
    expect(svg).toMatch(/^<\?xml[^>]*\?>\s*<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<script|@import|url\(/);
    const series = [...svg.matchAll(/<polyline class="series" data-series="([^"]+)"[^>]* points="([^"]*)"/g)];
    expect(series.map((match) => match[1])).toEqual(['completed-sagas-per-second', 'p99-latency-ms']);
    for (const match of series) expect(match[2]?.trim().split(' ')).toHaveLength(closed.length);
    expect(svg).toContain('embedded mode');
  });

  it("when sagas were preloaded, then the orchestrator held them and every run's sagas besides", () => {
    expect(report.preload).toMatchObject({ sagas: PRELOAD, steps: 3 * PRELOAD, seconds: expect.any(Number) });
    expect(report.preload?.commands).toBe(report.preload?.inboxRows);
    expect(report.preload?.sagaCountAtEnd).toBe(PRELOAD + sum(report.runs, (run) => run.checkouts.accepted));
  });

  it('when the invariants and the gateway overhead are read, then they cover every saga and each target', () => {
    expect(report.invariants).toMatchObject({
      ok: true,
      problemCount: 0,
      customersChecked: 2,
      sagasChecked: sum(report.runs, (run) => run.checkouts.accepted),
    });
    expect(report.invariants.ordersChecked).toBe(sum(report.runs, (run) => run.sagas.byStatus.COMPLETED ?? 0));
    const overhead = report.gatewayOverhead;
    if ('error' in overhead) throw new Error(overhead.error);
    expect(overhead.results.map((result) => result.target)).toEqual(expect.arrayContaining(['gateway', 'direct']));
    for (const result of overhead.results) expect(result.requests).toBeGreaterThan(0);
    expect(overhead.gatewayToDirectThroughput).toBeGreaterThan(0);
  });

  it('when an argument is wrong, then it prints one line and the usage and exits 64 without a stack trace', async () => {
    const bad = await runBench(['--concurrency', 'lots'], 30_000);
    expect(bad.code).toBe(64);
    const [first, second] = bad.stderr.split('\n');
    expect(first).toBe('bench: --concurrency must be an integer between 1 and 1024, got "lots"');
    expect(second).toMatch(/^usage: npm run bench/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
