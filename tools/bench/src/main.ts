import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { USAGE, loadBenchConfig } from './bench-config.js';
import { formatReport, sweepPlotInput } from './bench-report.js';
import { runBench } from './run-bench.js';
import { renderSweepPlot } from './sweep-plot.js';

/** `npm run bench`: exit 0 when the run worked and the invariants hold, 1 otherwise, 64 for bad arguments. */

const EXIT_USAGE = 64;

const result = loadBenchConfig(process.argv.slice(2), process.env, process.cwd());
if (!result.ok) {
  if ('help' in result) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  process.stderr.write(`bench: ${result.error}\n${USAGE}\n`);
  process.exit(EXIT_USAGE);
}
const { config } = result;
const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

try {
  const report = await runBench(config, log);
  await mkdir(path.dirname(config.outFile), { recursive: true });
  await writeFile(config.outFile, `${JSON.stringify(report, null, 2)}\n`);
  if (report.plot.file !== null) await writeFile(report.plot.file, renderSweepPlot(sweepPlotInput(report)));
  process.stdout.write(`${formatReport(report, config.outFile)}\n`);
  if (!report.ok) log('the run did not pass: see the invariants, sagas and restarts above');
  process.exit(report.ok ? 0 : 1);
} catch (error) {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
