import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  envFiles,
  findComposeViolations,
  findNetworkViolations,
  OWN_SERVICES,
  parseCompose,
  type ComposeFile,
} from '../src/compose-rules.js';
import { readRepositoryFile, REPO_ROOT } from './repository-files.js';

const compose = parseCompose(readRepositoryFile('deploy/compose/compose.yaml'));
const ciOverride = parseCompose(readRepositoryFile('deploy/compose/compose.ci.yaml'));
const serviceDev = parseCompose(readRepositoryFile('deploy/compose/service-dev/compose.yaml'));

/** A compose file that keeps every rule, to break one at a time. */
const aCompose = (): ComposeFile =>
  parseCompose(`
services:
  postgres:
    image: postgres:17-bookworm
    env_file: [./secrets/postgres.env]
    healthcheck: { test: ["CMD", "pg_isready"] }
${OWN_SERVICES.map((name) => `  ${name}:\n    build: { context: ../.., args: { SERVICE: ${name} } }\n    read_only: true\n    depends_on: { postgres: { condition: service_healthy } }`).join('\n')}
`);

describe('compose.yaml', () => {
  it('when its rules are checked, then it keeps every one of them', () => {
    expect(findComposeViolations(compose)).toEqual([]);
  });

  it('when its services are listed, then the whole system is there, with Prometheus, Grafana and Jaeger in the observability profile', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgres', 'rabbitmq', ...OWN_SERVICES]));
    for (const tool of ['prometheus', 'grafana', 'jaeger']) expect(compose.services[tool]?.profiles).toEqual(['observability']);
  });

  it('when the per-service dev file is checked, then it keeps the same rules', () => {
    expect(findComposeViolations(serviceDev)).toEqual([]);
  });

  it('when the CI override is merged, then every container uses host networking', () => {
    expect(findNetworkViolations(ciOverride)).toEqual([]);
    expect(Object.keys(ciOverride.services).sort()).toEqual(
      Object.keys(compose.services)
        .filter((name) => compose.services[name]?.profiles === undefined)
        .sort(),
    );
  });
});

describe('the compose rules', () => {
  it('when a compose file keeps every rule, then nothing is reported', () => {
    expect(findComposeViolations(aCompose())).toEqual([]);
  });

  it('when a secret is written in the YAML, then it is reported', () => {
    const file = aCompose();
    file.services['customer'] = {
      ...file.services['customer'],
      environment: { ADMIN_PASSWORD: 'hunter2hunter2', ACCOUNT_URL: 'http://account:8083' },
    };
    file.services['order'] = { ...file.services['order'], environment: ['DATABASE_URL=postgres://postgres:s3cret@postgres/order'] };
    expect(findComposeViolations(file)).toEqual([
      expect.stringMatching(/customer: ADMIN_PASSWORD is a secret/),
      expect.stringMatching(/order: DATABASE_URL has a password/),
    ]);
  });

  it('when a service loses read_only, then it is reported', () => {
    const file = aCompose();
    file.services['account'] = { ...file.services['account'], read_only: false };
    expect(findComposeViolations(file)).toEqual([expect.stringMatching(/account: read_only/)]);
  });

  it('when a dependency is not healthcheck-gated, or has no healthcheck, then it is reported', () => {
    const file = aCompose();
    file.services['gateway'] = { ...file.services['gateway'], depends_on: ['postgres'] };
    file.services['postgres'] = { ...file.services['postgres'], healthcheck: { disable: true } };
    expect(findComposeViolations(file)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/gateway: depends_on postgres must wait/),
        expect.stringMatching(/postgres: no healthcheck/),
      ]),
    );
  });

  it('when a container joins a network in CI, then it is reported', () => {
    expect(findNetworkViolations({ services: { order: { networks: ['default'] } } })).toEqual([
      expect.stringMatching(/network_mode must be host/),
      expect.stringMatching(/joins networks/),
    ]);
  });
});

describe('make-secrets.sh', () => {
  let directory: string;
  // The env-file format compose reads: NAME=value lines, # comments.
  const read = (file: string): Record<string, string> =>
    Object.fromEntries(
      readFileSync(path.join(directory, file), 'utf8')
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  const MESSAGING_SERVICES = ['customer', 'order', 'account', 'orchestrator'];

  beforeAll(() => {
    directory = path.join(mkdtempSync(path.join(tmpdir(), 'ordering-secrets-')), 'secrets');
    execFileSync('bash', [path.join(REPO_ROOT, 'deploy/compose/make-secrets.sh'), directory], { stdio: 'pipe' });
  });
  afterAll(() => rmSync(path.dirname(directory), { recursive: true, force: true }));

  it('when it runs, then every env file that compose.yaml reads exists', () => {
    for (const service of Object.values(compose.services)) {
      for (const file of envFiles(service)) expect(() => read(path.basename(file))).not.toThrow();
    }
  });

  it('when it runs, then each messaging service gets its own signing key, everyone the same public keys and the one operator token', () => {
    const files = MESSAGING_SERVICES.map((service) => read(`${service}.env`));
    const signingKeys = new Set(files.map((env) => env['MESSAGE_SIGNING_KEY']));
    expect(signingKeys.size).toBe(MESSAGING_SERVICES.length);
    expect(new Set(files.map((env) => env['MESSAGE_PUBLIC_KEYS'])).size).toBe(1);
    expect(files[0]?.['MESSAGE_PUBLIC_KEYS']?.split(',').map((entry) => entry.split('=')[0])).toEqual(MESSAGING_SERVICES);
    expect(new Set(files.map((env) => env['OPERATOR_TOKEN'])).size).toBe(1);
    expect(files.some((env) => 'INTERNAL_TOKEN' in env)).toBe(false);
    for (const env of files) {
      expect(env['OPERATOR_TOKEN']).toMatch(/^\S{32,}$/);
      expect(env['DATABASE_URL']).toMatch(/^postgres:\/\/postgres:\S+@postgres:5432\//);
      expect(env['BROKER_URL']).toMatch(/^amqp:\/\/ordering:\S+@rabbitmq:5672$/);
    }
  });

  it('when it runs, then only the customer service gets the encryption key and the admin password', () => {
    expect(Buffer.from(read('customer.env')['SIGNING_KEY_ENCRYPTION_KEY'] ?? '', 'base64')).toHaveLength(32);
    expect(read('customer.env')['ADMIN_PASSWORD']).toMatch(/^.{12,}$/);
    for (const service of ['order', 'account', 'orchestrator', 'gateway']) {
      expect(Object.keys(read(`${service}.env`))).not.toEqual(expect.arrayContaining(['SIGNING_KEY_ENCRYPTION_KEY']));
      expect(Object.keys(read(`${service}.env`))).not.toEqual(expect.arrayContaining(['ADMIN_PASSWORD']));
    }
  });

  it('when git is asked, then the default secrets directory is ignored', () => {
    expect(execFileSync('git', ['check-ignore', 'deploy/compose/secrets/customer.env'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim()).toBe(
      'deploy/compose/secrets/customer.env',
    );
  });
});
