import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { PROMETHEUS_DIR, PROMETHEUS_RULES_MANIFEST, RULES_DIR } from '../src/rule-files.js';

// Debian's `prometheus` package brings promtool (.ci/run installs it). Missing: CI fails, a developer's run skips.
const MISSING = "promtool is not installed: install Debian's prometheus package (apt-get install prometheus)";
const installed = spawnSync('promtool', ['--version']).error === undefined;
if (!installed && process.env['CI'] === 'true') throw new Error(MISSING);

// Each promtool run takes seconds; the burn-rate unit tests evaluate days of series (a loaded machine: much more).
const SLOW = 300_000;
const TESTS_DIR = path.join(PROMETHEUS_DIR, 'tests');
const scratch = mkdtempSync(path.join(tmpdir(), 'promtool-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** promtool's exit code and everything it printed, so a failure shows promtool's own words. */
const promtool = (...args: string[]): { status: number | null; output: string } => {
  const run = spawnSync('promtool', args, { encoding: 'utf8', cwd: PROMETHEUS_DIR, maxBuffer: 16 * 1024 * 1024 });
  return { status: run.status, output: `promtool ${args.join(' ')}\n${run.stdout}${run.stderr}` };
};
const expectSuccess = (result: { status: number | null; output: string }): void => {
  expect(result.status, result.output).toBe(0);
};
const yamlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((name) => path.join(dir, name));

describe.skipIf(!installed)(`promtool (${installed ? 'installed' : MISSING})`, () => {
  it(
    'when the compose prometheus.yml is checked, then it and every rule file it loads are valid',
    () => {
      const result = promtool('check', 'config', 'prometheus.yml');
      expectSuccess(result);
      // rule_files is a glob: a config that loaded none would pass too.
      expect(result.output).toContain(`SUCCESS: ${yamlFiles(RULES_DIR).length} rule files found`);
    },
    SLOW,
  );

  it(
    'when every plain rule file is checked, then each is valid',
    () => {
      const files = yamlFiles(RULES_DIR);
      expect(files.length).toBeGreaterThanOrEqual(4);
      expectSuccess(promtool('check', 'rules', ...files));
    },
    SLOW,
  );

  it(
    'when the groups of every PrometheusRule object are checked as rule files, then each is valid',
    () => {
      const objects = parseAllDocuments(readFileSync(PROMETHEUS_RULES_MANIFEST, 'utf8')).map(
        (document) => document.toJS() as { metadata: { name: string }; spec: unknown },
      );
      expect(objects.length).toBeGreaterThanOrEqual(4);
      const files = objects.map((object) => {
        const file = path.join(scratch, `${object.metadata.name}.yml`);
        writeFileSync(file, stringify(object.spec));
        return file;
      });
      expectSuccess(promtool('check', 'rules', ...files));
    },
    SLOW,
  );

  it(
    'when a rule file has a broken expression, then promtool check rules fails (the check is not a no-op)',
    () => {
      const file = path.join(scratch, 'broken.yml');
      writeFileSync(file, stringify({ groups: [{ name: 'broken', rules: [{ alert: 'Broken', expr: 'sum(rate(x[5m])' }] }] }));
      expect(promtool('check', 'rules', file).status).not.toBe(0);
    },
    SLOW,
  );

  it.each(yamlFiles(TESTS_DIR).map((file) => path.basename(file)))(
    'when the unit tests in %s run, then every alert fires and stays quiet as they expect',
    (name) => {
      expectSuccess(promtool('test', 'rules', path.join(TESTS_DIR, name)));
    },
    SLOW,
  );
});
