import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { findViolations, type SourceFile } from './dependency-rules.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const listSources = (dir: string): string[] =>
  readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : listSources(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });

/** Every TypeScript file of the workspaces, with the module specifiers it imports or re-exports. */
export const collectSources = (): SourceFile[] =>
  ['services', 'packages', 'tools'].flatMap(listSources).map((file) => ({
    path: file,
    imports: ts.preProcessFile(readFileSync(path.join(repoRoot, file), 'utf8'), true, true).importedFiles.map((f) => f.fileName),
  }));

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (isMain) {
  const violations = findViolations(collectSources());
  for (const v of violations) console.error(`${v.file}: imports '${v.specifier}': ${v.rule}`);
  console.log(violations.length === 0 ? 'dependency rules: ok' : `dependency rules: ${violations.length} violation(s)`);
  process.exit(violations.length === 0 ? 0 : 1);
}
