/** `npm run observability:rules`: writes the rule files and PrometheusRule objects from the SLOs. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './index.js';
import { RULES_DIR, renderRuleFiles } from './rule-files.js';
import { loadSlos } from './slo-definitions.js';

const files = renderRuleFiles(loadSlos());
// A group that no longer exists leaves no stale rule file behind.
mkdirSync(RULES_DIR, { recursive: true });
for (const name of readdirSync(RULES_DIR)) {
  if (name.endsWith('.yml') && !files.has(path.join(RULES_DIR, name))) rmSync(path.join(RULES_DIR, name));
}
for (const [file, content] of files) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  process.stdout.write(`wrote ${path.relative(REPO_ROOT, file)}\n`);
}
