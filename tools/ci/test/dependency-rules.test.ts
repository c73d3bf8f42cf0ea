import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { collectSources } from '../src/check-dependencies.js';
import { findViolations, PACKAGE_ORDER, SERVICE_LAYERS } from '../src/dependency-rules.js';

const CHECK_SCRIPT = fileURLToPath(new URL('../src/check-dependencies.ts', import.meta.url));

/** One import: the file, what it imports, and the rule that import breaks (undefined: it is allowed). */
type ImportCase = readonly [file: string, specifier: string, rule: string | undefined];

/** A file's imports that each break `rule`. */
const breaking = (rule: string, path: string, ...specifiers: string[]): ImportCase[] =>
  specifiers.map((specifier) => [path, specifier, rule]);
/** A file's imports that break no rule. */
const allowed = (path: string, ...specifiers: string[]): ImportCase[] => specifiers.map((specifier) => [path, specifier, undefined]);

const PACKAGES_BELOW = `packages import only the packages below them (${PACKAGE_ORDER.join(' < ')})`;
const DOMAIN_IS_PURE = 'domain code imports no framework, driver or SQL';
const layerRule = (layer: string): string => `the ${layer} layer may import only ${SERVICE_LAYERS[layer]!.join(', ')}`;
const ROOT_FILES = 'layers never import the root files (app, main, config) that wire them together';
const UNKNOWN_HELPERS =
  'src/helpers is not a known layer (domain, security, db, use-cases, messages, http): give it its place in SERVICE_LAYERS';

/** Each case: imports checked together, and which of them must be reported, with which rule. */
const IMPORT_CASES: Readonly<Record<string, readonly ImportCase[][]>> = {
  'a service imports another service': [
    breaking('a service never imports another service', 'services/order/src/app.ts', '@ordering/account'),
  ],
  'a package imports a service': [
    breaking('packages and tools never import services', 'packages/saga/src/index.ts', '@ordering/orchestrator'),
  ],
  'code reaches into another workspace by relative path or deep import': [
    breaking(
      'no relative imports across workspaces; depend on the package by name',
      'services/order/src/app.ts',
      '../../account/src/app.js',
    ),
    breaking(
      'import a package through its public entry point, not a deep path',
      'services/order/src/main.ts',
      '@ordering/platform/src/db/database.js',
    ),
  ],
  'domain code imports a framework, driver or another layer': [
    breaking(DOMAIN_IS_PURE, 'services/order/src/domain/order-state.ts', 'fastify'),
    breaking(DOMAIN_IS_PURE, 'services/order/src/domain/pricing.ts', 'drizzle-orm'),
    breaking(
      'domain code does not depend on the http, messages or db layers',
      'services/order/src/domain/pricing.ts',
      '../db/order-repository.js',
    ),
    allowed('services/order/src/domain/pricing.ts', './order-state.js'),
  ],
  'layers depend the allowed way': [
    allowed('services/order/src/http/order-routes.ts', '../domain/order-state.js', '@ordering/platform', 'fastify'),
    allowed('packages/platform/src/index.ts', './db/database.js'),
  ],
  'a package imports a package above it or itself by name': [
    breaking(PACKAGES_BELOW, 'packages/platform/src/index.ts', '@ordering/messaging'),
    breaking(PACKAGES_BELOW, 'packages/contracts/src/index.ts', '@ordering/platform'),
    breaking(PACKAGES_BELOW, 'packages/messaging/src/index.ts', '@ordering/saga'),
    breaking(PACKAGES_BELOW, 'packages/saga/src/index.ts', '@ordering/saga'),
  ],
  'a package or service ships code that imports a tool (its tests may)': [
    breaking('packages import only packages, never the tool @ordering/launcher', 'packages/saga/src/saga-engine.ts', '@ordering/launcher'),
    breaking('services import only packages, never the tool @ordering/testing', 'services/order/src/main.ts', '@ordering/testing'),
    allowed('services/order/test/order-routes.test.ts', '@ordering/testing'),
    allowed('packages/platform/test/database.test.ts', '@ordering/testing'),
  ],
  'a package imports the packages below it': [
    allowed('packages/saga/src/index.ts', '@ordering/messaging', '@ordering/platform', '@ordering/contracts'),
    allowed('packages/messaging/src/index.ts', '@ordering/platform', '@ordering/contracts'),
    allowed('packages/platform/src/index.ts', '@ordering/contracts'),
  ],
  'a layer imports a layer it may not': [
    breaking(layerRule('http'), 'services/order/src/http/order-routes.ts', '../messages/order-handlers.js'),
    breaking(layerRule('messages'), 'services/order/src/messages/order-handlers.ts', '../http/order-routes.js'),
    breaking(layerRule('db'), 'services/order/src/db/order-repository.ts', '../use-cases/place-order.js'),
    breaking(layerRule('use-cases'), 'services/order/src/use-cases/place-order.ts', '../http/order-schemas.js'),
  ],
  'a layer imports the root files or a folder is no known layer': [
    breaking(ROOT_FILES, 'services/order/src/http/order-routes.ts', '../config.js'),
    breaking(UNKNOWN_HELPERS, 'services/order/src/helpers/util.ts', '../domain/order-state.js'),
  ],
  'the root files wire the layers': [
    allowed(
      'services/order/src/app.ts',
      './http/order-routes.js',
      './messages/order-handlers.js',
      './db/order-repository.js',
      './config.js',
    ),
  ],
};

describe('dependency rules', () => {
  it('when the repository is checked, then no file breaks a rule', () => {
    const sources = collectSources();
    expect(sources.length).toBeGreaterThan(20);
    expect(findViolations(sources)).toEqual([]);
  });

  it.each(Object.entries(IMPORT_CASES))(
    'when %s, then exactly the imports that break a rule are reported, each with its rule',
    (_when, files) => {
      const cases = files.flat();
      const sources = cases.map(([path, specifier]) => ({ path, imports: [specifier] }));
      const expected = cases.flatMap(([file, specifier, rule]) => (rule === undefined ? [] : [{ file, specifier, rule }]));
      expect(findViolations(sources)).toEqual(expected);
    },
  );
});

describe('the dependency check as `npm run lint` runs it', () => {
  const scratch: string[] = [];
  afterEach(async () => {
    for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  const runCheck = async (files: Record<string, string>): Promise<{ code: number | null; output: string }> => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'dependency-rules-'));
    scratch.push(root);
    for (const dir of ['services', 'packages', 'tools']) await mkdir(path.join(root, dir), { recursive: true });
    await writeFile(path.join(root, 'package.json'), JSON.stringify({ workspaces: ['packages/*', 'services/*', 'tools/*'] }));
    for (const [relative, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
      await writeFile(path.join(root, relative), text);
    }
    const result = spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', CHECK_SCRIPT, root], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { code: result.status, output: `${result.stdout}${result.stderr}` };
  };

  // A child Node with tsx takes seconds to start on a loaded machine.
  it('when a rule is broken, then the check exits non-zero and names the file, the import and the rule', { timeout: 120_000 }, async () => {
    const { code, output } = await runCheck({
      'packages/platform/src/index.ts': "export * from '@ordering/saga';\n",
      'services/order/src/domain/order.ts': "import type { Pool } from 'pg';\n",
    });
    expect(code).toBe(1);
    expect(output).toContain("packages/platform/src/index.ts: imports '@ordering/saga': packages import only the packages below them");
    expect(output).toContain("services/order/src/domain/order.ts: imports 'pg': domain code imports no framework, driver or SQL");
    expect(output).toContain('dependency rules: 2 violation(s)');
  });

  // A child Node with tsx takes seconds to start on a loaded machine.
  it(
    'when a dev dependency closes a cycle between workspaces, then the check exits non-zero and names them',
    { timeout: 120_000 },
    async () => {
      const { code, output } = await runCheck({
        'packages/platform/package.json': JSON.stringify({ name: '@ordering/platform', devDependencies: { '@ordering/testing': '0.1.0' } }),
        'tools/testing/package.json': JSON.stringify({ name: '@ordering/testing', dependencies: { '@ordering/platform': '0.1.0' } }),
      });
      expect(code).toBe(1);
      expect(output).toContain(
        'workspaces @ordering/platform, @ordering/testing: depend on each other in a cycle (devDependencies included)',
      );
    },
  );

  // A child Node with tsx takes seconds to start on a loaded machine.
  it('when every rule holds, then the check exits 0', { timeout: 120_000 }, async () => {
    const { code, output } = await runCheck({ 'packages/platform/src/index.ts': "export * from '@ordering/contracts';\n" });
    expect(output).toContain('dependency rules: ok');
    expect(code).toBe(0);
  });
});
