import { spawnChildProcess } from './child-process.js';
import type { LinePrinter } from './log-prefixer.js';
import type { RunningProcess } from './process-supervisor.js';
import type { ProcessSpec } from './service-plan.js';

export interface ServiceProcessOptions {
  readonly repoRoot: string;
  readonly print: LinePrinter;
  /** How long a service may drain after SIGTERM before it is killed. */
  readonly stopGraceMs?: number;
}

/** The same flags as `npm start` uses for the launcher: TypeScript through tsx, workspace packages from src. */
const NODE_ARGS = ['--conditions=development', '--import', 'tsx'];

export const spawnServiceProcess = (spec: ProcessSpec, options: ServiceProcessOptions): Promise<RunningProcess> =>
  spawnChildProcess({
    name: spec.name,
    command: process.execPath,
    args: [...NODE_ARGS, spec.entry],
    cwd: options.repoRoot,
    env: spec.env,
    print: options.print,
    stopGraceMs: options.stopGraceMs ?? 12_000,
  });
