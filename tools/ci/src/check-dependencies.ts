import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { findViolations, type SourceFile } from './dependency-rules.js';
import { findWorkspaceCycles } from './workspace-cycles.js';
import { readWorkspaces } from './workspace-graph.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const listSources = (root: string, dir: string): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : listSources(root, relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });

/** Every TypeScript file of the workspaces under `root` (the repository's), with the specifiers it imports or re-exports. */
export const collectSources = (root = repoRoot): SourceFile[] =>
  ['services', 'packages', 'tools']
    .flatMap((dir) => listSources(root, dir))
    .map((file) => ({
      path: file,
      imports: ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true).importedFiles.map((f) => f.fileName),
    }));

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (isMain) {
  // An optional root is for the test that shows a broken rule fails the check; `npm run lint` checks this repository.
  const root = process.argv[2] ?? repoRoot;
  const violations = findViolations(collectSources(root));
  for (const v of violations) console.error(`${v.file}: imports '${v.specifier}': ${v.rule}`);
  const cycles = findWorkspaceCycles(readWorkspaces(root));
  for (const cycle of cycles) console.error(`workspaces ${cycle.join(', ')}: depend on each other in a cycle (devDependencies included)`);
  const count = violations.length + cycles.length;
  console.log(count === 0 ? 'dependency rules: ok' : `dependency rules: ${count} violation(s)`);
  process.exit(count === 0 ? 0 : 1);
}
