import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { affectedServices } from './affected-services.js';
import { readWorkspaces } from './workspace-graph.js';

/** Files that differ between two revisions; renames count as a deletion and an addition, so both sides count. */
export const listChangedFiles = (repo: string, base: string, head: string): string[] =>
  execFileSync('git', ['-C', repo, 'diff', '--name-only', '--no-renames', `${base}...${head}`], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.length > 0);

/** The services a change between two revisions affects; the workspace graph is read from the work tree (the head). */
export const changedServices = (repo: string, base: string, head: string): string[] =>
  affectedServices(listChangedFiles(repo, base, head), readWorkspaces(repo));

const usage = 'usage: changed-services --base REV --head REV [--repo DIR] [--json]';

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (isMain) {
  const { values } = parseArgs({
    options: {
      base: { type: 'string' },
      head: { type: 'string' },
      repo: { type: 'string', default: '.' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.base || !values.head) {
    console.error(usage);
    process.exit(2);
  }
  const repo = execFileSync('git', ['-C', values.repo, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
  const services = changedServices(repo, values.base, values.head);
  if (values.json) console.log(JSON.stringify(services));
  else for (const service of services) console.log(service);
}
