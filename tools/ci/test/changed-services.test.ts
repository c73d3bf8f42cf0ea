import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedServices } from '../src/changed-services.js';

const changedServicesCli = fileURLToPath(new URL('../src/changed-services.ts', import.meta.url));

/** A scratch monorepo: platform <- saga <- order; platform <- gateway; customer alone; a tool that no service uses. */
const aScratchRepository = (): { dir: string; commit: (files: Record<string, string>) => string } => {
  const dir = mkdtempSync(path.join(tmpdir(), 'changed-services-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
  const write = (files: Record<string, string>) => {
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content);
    }
  };
  const workspace = (name: string, dependencies: string[] = [], devDependencies: string[] = []) =>
    JSON.stringify({
      name,
      dependencies: Object.fromEntries(dependencies.map((d) => [d, '0.1.0'])),
      devDependencies: Object.fromEntries(devDependencies.map((d) => [d, '0.1.0'])),
    });
  const commit = (files: Record<string, string>): string => {
    write(files);
    git('add', '-A');
    git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', Object.keys(files).join(' '));
    return git('rev-parse', 'HEAD');
  };
  git('init', '-q', '-b', 'main');
  commit({
    'package.json': JSON.stringify({ name: 'scratch', workspaces: ['packages/*', 'services/*', 'tools/*'] }),
    'package-lock.json': '{}',
    Dockerfile: 'FROM node:20-bookworm-slim\n',
    'README.md': '# scratch\n',
    'docs/adr/0001-x.md': '# x\n',
    'packages/platform/package.json': workspace('@s/platform'),
    'packages/platform/src/index.ts': 'export {};\n',
    'packages/saga/package.json': workspace('@s/saga', ['@s/platform']),
    'packages/saga/src/index.ts': 'export {};\n',
    'services/order/package.json': workspace('@s/order', ['@s/saga', 'fastify']),
    'services/order/src/main.ts': 'export {};\n',
    'services/gateway/package.json': workspace('@s/gateway', ['@s/platform']),
    'services/gateway/src/main.ts': 'export {};\n',
    'services/customer/package.json': workspace('@s/customer', [], ['@s/testing']),
    'services/customer/src/main.ts': 'export {};\n',
    'tools/testing/package.json': workspace('@s/testing', ['@s/platform']),
    'tools/testing/src/index.ts': 'export {};\n',
  });
  return { dir, commit };
};

describe('changed-services', () => {
  let repo: ReturnType<typeof aScratchRepository>;
  let base: string;

  beforeAll(() => {
    repo = aScratchRepository();
    base = repo.commit({ 'services/order/src/extra.ts': 'export {};\n' });
  });
  afterAll(() => rmSync(repo.dir, { recursive: true, force: true }));

  const affectedBy = (files: Record<string, string>): string[] => {
    const head = repo.commit(files);
    return changedServices(repo.dir, `${head}~1`, head);
  };

  it("when a service's own file changes, then only that service is affected", () => {
    expect(affectedBy({ 'services/order/src/main.ts': 'export const a = 1;\n' })).toEqual(['order']);
  });

  it('when a package changes, then every service that depends on it, directly or transitively, is affected', () => {
    expect(affectedBy({ 'packages/platform/src/index.ts': 'export const p = 1;\n' })).toEqual(['gateway', 'order']);
    expect(affectedBy({ 'packages/saga/src/index.ts': 'export const s = 1;\n' })).toEqual(['order']);
  });

  it('when only a test-only workspace changes, then no image is affected (devDependencies do not ship)', () => {
    expect(affectedBy({ 'tools/testing/src/index.ts': 'export const t = 1;\n' })).toEqual([]);
  });

  it('when only documentation changes, then no service is affected', () => {
    expect(affectedBy({ 'docs/adr/0001-x.md': '# y\n', 'README.md': '# changed\n', 'services/order/README.md': '# order\n' })).toEqual([]);
  });

  it('when the lockfile or the Dockerfile changes, then every service is affected', () => {
    expect(affectedBy({ 'package-lock.json': '{"lockfileVersion":3}' })).toEqual(['customer', 'gateway', 'order']);
    expect(affectedBy({ Dockerfile: 'FROM node:20-bookworm-slim\nUSER node\n' })).toEqual(['customer', 'gateway', 'order']);
  });

  it('when a range spans several commits, then the services of all of them are affected', () => {
    const from = repo.commit({ 'services/customer/src/main.ts': 'export const c = 1;\n' });
    repo.commit({ 'services/gateway/src/main.ts': 'export const g = 1;\n' });
    const head = repo.commit({ 'docs/notes.md': 'notes\n' });
    expect(changedServices(repo.dir, `${from}~1`, head)).toEqual(['customer', 'gateway']);
  });

  it('when run as a command, then it prints one service per line, or a JSON array with --json', () => {
    const head = repo.commit({ 'packages/platform/src/index.ts': 'export const p = 2;\n' });
    const run = (...args: string[]) =>
      execFileSync(process.execPath, ['--import', 'tsx', changedServicesCli, '--repo', repo.dir, '--base', base, '--head', head, ...args], {
        encoding: 'utf8',
      });
    expect(run()).toBe('customer\ngateway\norder\n');
    expect(JSON.parse(run('--json'))).toEqual(['customer', 'gateway', 'order']);
  }, 60_000);
});
