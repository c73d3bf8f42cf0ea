import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../src/bench-report.js';

/**
 * `npm run bench` for real, briefly: embedded mode, 2 clients, 2 seconds. Checks the report's shape, that its counts
 * agree with each other and that the invariant check passed; never how fast anything was.
 */

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
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
    finished = await runBench(['--duration', '2s', '--concurrency', '2', '--customers', '2', '--out', outFile()], 200_000);
    report = JSON.parse(await readFile(outFile(), 'utf8').catch(() => 'null')) as BenchReport;
  }, 240_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when a 2-second embedded run finishes, then it exits 0, prints the table and names the JSON file', () => {
    expect(finished.code, `${finished.stdout}\n${finished.stderr}`).toBe(0);
    expect(finished.stdout).toContain('accepted/s');
    expect(finished.stdout).toContain('money invariants: ok');
    expect(finished.stdout).toContain(`report: ${outFile()}`);
  });

  it('when the report is read, then every field is there and the counts agree with each other', () => {
    expect(report).toMatchObject({
      version: 1,
      ok: true,
      settings: { mode: 'embedded', transport: 'http', replicas: 1, latencyMethod: 'wait', customers: 2 },
      machine: { cpus: expect.any(Number), node: expect.any(String) },
      restarts: {},
    });
    expect(report.runs).toHaveLength(1);
    const [run] = report.runs;
    if (!run) throw new Error('no run');
    expect(run.load).toEqual({ kind: 'closed', concurrency: 2 });
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
    expect(run.yardstick).toMatchObject({ tool: expect.stringMatching(/^(pgbench|node-postgres)$/), concurrency: 2, transactions: expect.any(Number) });
    if ('error' in run.yardstick) throw new Error(run.yardstick.error);
    expect(run.yardstick.approvedOrders).toBe(run.yardstick.transactions);
    expect(run.sagaToYardstick).toBeGreaterThan(0);
  });

  it('when the invariants and the gateway overhead are read, then they cover every saga and each target', () => {
    const run = report.runs[0];
    expect(report.invariants).toMatchObject({ ok: true, problemCount: 0, customersChecked: 2, sagasChecked: run?.checkouts.accepted });
    expect(report.invariants.ordersChecked).toBe(run?.sagas.byStatus.COMPLETED ?? 0);
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
    expect(first).toBe('bench: --concurrency must be an integer from 1 to 1024, got "lots"');
    expect(second).toMatch(/^usage: npm run bench/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
