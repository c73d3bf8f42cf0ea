import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { collectSources } from '../src/check-dependencies.js';
import { findViolations, PACKAGE_ORDER, SERVICE_LAYERS } from '../src/dependency-rules.js';

const CHECK_SCRIPT = fileURLToPath(new URL('../src/check-dependencies.ts', import.meta.url));

const file = (path: string, ...imports: string[]) => ({ path, imports });

describe('dependency rules', () => {
  it('when the repository is checked, then no file breaks a rule', () => {
    const sources = collectSources();
    expect(sources.length).toBeGreaterThan(20);
    expect(findViolations(sources)).toEqual([]);
  });

  it('when a service imports another service, then it is a violation', () => {
    const violations = findViolations([file('services/order/src/app.ts', '@ordering/account')]);
    expect(violations).toEqual([expect.objectContaining({ rule: 'a service never imports another service' })]);
  });

  it('when a package imports a service, then it is a violation', () => {
    expect(findViolations([file('packages/saga/src/index.ts', '@ordering/orchestrator')])).toHaveLength(1);
  });

  it('when code reaches into another workspace by relative path or deep import, then it is a violation', () => {
    const violations = findViolations([
      file('services/order/src/app.ts', '../../account/src/app.js'),
      file('services/order/src/main.ts', '@ordering/platform/src/db/database.js'),
    ]);
    expect(violations.map((v) => v.rule)).toEqual([
      'no relative imports across workspaces; depend on the package by name',
      'import a package through its public entry point, not a deep path',
    ]);
  });

  it('when domain code imports a framework, driver or another layer, then it is a violation', () => {
    const violations = findViolations([
      file('services/order/src/domain/order-state.ts', 'fastify'),
      file('services/order/src/domain/pricing.ts', 'drizzle-orm'),
      file('services/order/src/domain/pricing.ts', '../db/order-repository.js'),
      file('services/order/src/domain/pricing.ts', './order-state.js'),
    ]);
    expect(violations).toHaveLength(3);
  });

  it('when layers depend the allowed way, then nothing is reported', () => {
    expect(
      findViolations([
        file('services/order/src/http/order-routes.ts', '../domain/order-state.js', '@ordering/platform', 'fastify'),
        file('packages/platform/src/index.ts', './db/database.js'),
      ]),
    ).toEqual([]);
  });
});

describe('dependency rules between packages and layers', () => {
  it('when a package imports a package above it or itself by name, then it is a violation naming the order', () => {
    const violations = findViolations([
      file('packages/platform/src/index.ts', '@ordering/messaging'),
      file('packages/contracts/src/index.ts', '@ordering/platform'),
      file('packages/messaging/src/index.ts', '@ordering/saga'),
      file('packages/saga/src/index.ts', '@ordering/saga'),
    ]);
    expect(violations).toHaveLength(4);
    for (const violation of violations) expect(violation.rule).toBe(`packages import only the packages below them (${PACKAGE_ORDER.join(' < ')})`);
  });

  it('when a package or service ships code that imports a tool, then it is a violation; its tests may', () => {
    const violations = findViolations([
      file('packages/saga/src/saga-engine.ts', '@ordering/launcher'),
      file('services/order/src/main.ts', '@ordering/testing'),
      file('services/order/test/order-routes.test.ts', '@ordering/testing'),
      file('packages/platform/test/database.test.ts', '@ordering/testing'),
    ]);
    expect(violations.map((v) => v.file)).toEqual(['packages/saga/src/saga-engine.ts', 'services/order/src/main.ts']);
  });

  it('when a package imports the packages below it, then nothing is reported', () => {
    expect(
      findViolations([
        file('packages/saga/src/index.ts', '@ordering/messaging', '@ordering/platform', '@ordering/contracts'),
        file('packages/messaging/src/index.ts', '@ordering/platform', '@ordering/contracts'),
        file('packages/platform/src/index.ts', '@ordering/contracts'),
      ]),
    ).toEqual([]);
  });

  it('when a layer imports a layer it may not, then it is a violation naming what it may import', () => {
    const violations = findViolations([
      file('services/order/src/http/order-routes.ts', '../messages/order-handlers.js'),
      file('services/order/src/messages/order-handlers.ts', '../http/order-routes.js'),
      file('services/order/src/db/order-repository.ts', '../use-cases/place-order.js'),
      file('services/order/src/use-cases/place-order.ts', '../http/order-schemas.js'),
    ]);
    expect(violations.map((v) => v.rule)).toEqual([
      `the http layer may import only ${SERVICE_LAYERS['http']!.join(', ')}`,
      `the messages layer may import only ${SERVICE_LAYERS['messages']!.join(', ')}`,
      `the db layer may import only ${SERVICE_LAYERS['db']!.join(', ')}`,
      `the use-cases layer may import only ${SERVICE_LAYERS['use-cases']!.join(', ')}`,
    ]);
  });

  it('when a layer imports the root files or a folder is no known layer, then it is a violation', () => {
    const violations = findViolations([
      file('services/order/src/http/order-routes.ts', '../config.js'),
      file('services/order/src/helpers/util.ts', '../domain/order-state.js'),
    ]);
    expect(violations.map((v) => v.rule)).toEqual([
      'layers never import the root files (app, main, config) that wire them together',
      expect.stringMatching(/^src\/helpers is not a known layer/),
    ]);
  });

  it('when the root files wire the layers, then nothing is reported', () => {
    expect(findViolations([file('services/order/src/app.ts', './http/order-routes.js', './messages/order-handlers.js', './db/order-repository.js', './config.js')])).toEqual([]);
  });
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
    const result = spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', CHECK_SCRIPT, root], { encoding: 'utf8', timeout: 120_000 });
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
  it('when a dev dependency closes a cycle between workspaces, then the check exits non-zero and names them', { timeout: 120_000 }, async () => {
    const { code, output } = await runCheck({
      'packages/platform/package.json': JSON.stringify({ name: '@ordering/platform', devDependencies: { '@ordering/testing': '0.1.0' } }),
      'tools/testing/package.json': JSON.stringify({ name: '@ordering/testing', dependencies: { '@ordering/platform': '0.1.0' } }),
    });
    expect(code).toBe(1);
    expect(output).toContain('workspaces @ordering/platform, @ordering/testing: depend on each other in a cycle (devDependencies included)');
  });

  // A child Node with tsx takes seconds to start on a loaded machine.
  it('when every rule holds, then the check exits 0', { timeout: 120_000 }, async () => {
    const { code, output } = await runCheck({ 'packages/platform/src/index.ts': "export * from '@ordering/contracts';\n" });
    expect(output).toContain('dependency rules: ok');
    expect(code).toBe(0);
  });
});
