import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { findViolations, type SourceFile } from './dependency-rules.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const listSources = (root: string, dir: string): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : listSources(root, relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });

/** Every TypeScript file of the workspaces under `root` (the repository's), with the specifiers it imports or re-exports. */
export const collectSources = (root = repoRoot): SourceFile[] =>
  ['services', 'packages', 'tools'].flatMap((dir) => listSources(root, dir)).map((file) => ({
    path: file,
    imports: ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true).importedFiles.map((f) => f.fileName),
  }));

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (isMain) {
  // An optional root is for the test that shows a broken rule fails the check; `npm run lint` checks this repository.
  const violations = findViolations(collectSources(process.argv[2] ?? repoRoot));
  for (const v of violations) console.error(`${v.file}: imports '${v.specifier}': ${v.rule}`);
  console.log(violations.length === 0 ? 'dependency rules: ok' : `dependency rules: ${violations.length} violation(s)`);
  process.exit(violations.length === 0 ? 0 : 1);
}
