import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  configProblemsOf,
  describeMessageSecurityConfig,
  findFreePort,
  TEST_OPERATOR_TOKEN,
  testMessageSecurityEnv,
  testSigningKeyOf,
} from '@ordering/testing';
import { ConfigError } from '@ordering/platform';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/account';
/** What a deployment sets: the database, this service's signing key, its senders' public keys, the operator token. */
const base = { DATABASE_URL, ...testMessageSecurityEnv('account') };

describe('account configuration', () => {
  it('when only the database and the message secrets are set, then the documented defaults apply', () => {
    const config = readConfig(base);

    expect(config).toEqual({
      port: 8083,
      host: '0.0.0.0',
      logLevel: 'info',
      databaseUrl: DATABASE_URL,
      databasePoolSize: 10,
      jwksUrl: 'http://127.0.0.1:8081/.well-known/jwks.json',
      peers: { orchestrator: ['http://127.0.0.1:8084'] },
      security: {
        signingKey: expect.anything(),
        publicKeys: expect.any(Map),
        operatorToken: TEST_OPERATOR_TOKEN,
        unsafeDevelopmentMode: false,
      },
    });
    expect(config.security.signingKey?.equals(testSigningKeyOf('account'))).toBe(true);
    expect([...config.security.publicKeys.keys()]).toEqual(expect.arrayContaining(['customer', 'orchestrator']));
  });

  it('when ORCHESTRATOR_URL lists replicas, then replies can go to each of them', () => {
    const config = readConfig({ ...base, ORCHESTRATOR_URL: 'http://orchestrator-1:8084,http://orchestrator-2:8084' });
    expect(config.peers).toEqual({ orchestrator: ['http://orchestrator-1:8084', 'http://orchestrator-2:8084'] });
  });

  it('when ORCHESTRATOR_URL has an empty entry or is not http, then it is a config error', () => {
    for (const bad of ['http://orchestrator:8084,', 'ftp://orchestrator']) {
      expect(() => readConfig({ ...base, ORCHESTRATOR_URL: bad })).toThrow(ConfigError);
    }
  });

  it('when variables are set, then they win and are coerced to their types', () => {
    const config = readConfig({ ...base, PORT: '9083', DATABASE_POOL_SIZE: '4', JWKS_URL: 'https://customer:8081/.well-known/jwks.json' });
    expect(config).toMatchObject({ port: 9083, databasePoolSize: 4, jwksUrl: 'https://customer:8081/.well-known/jwks.json' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when DATABASE_URL is missing and PORT is not a number, then every problem is reported at once', () => {
    const problems = configProblemsOf(() => readConfig({ ...base, DATABASE_URL: undefined, PORT: 'eighty' })).join('\n');

    expect(problems).toContain('DATABASE_URL is required');
    expect(problems).toContain('PORT="eighty" is invalid');
  });
});

describeMessageSecurityConfig({ service: 'account', env: { DATABASE_URL }, senders: 'customer, orchestrator', readConfig });

describe('account message keys', () => {
  it('when MESSAGE_PUBLIC_KEYS lacks one sender the account service receives from, then the line names that sender only', () => {
    const onlyOrchestrator = base.MESSAGE_PUBLIC_KEYS.split(',')
      .filter((entry) => entry.startsWith('orchestrator='))
      .join(',');

    expect(configProblemsOf(() => readConfig({ ...base, MESSAGE_PUBLIC_KEYS: onlyOrchestrator }))).toEqual([
      expect.stringMatching(/^MESSAGE_PUBLIC_KEYS lacks the public key of customer: account accepts messages from customer, orchestrator/),
    ]);
  });

  it('when the signing key is not an Ed25519 private key (garbage, an RSA key, a public key), then one line says so and never shows the value', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const publicKey = base.MESSAGE_PUBLIC_KEYS.split(',')[0]?.split('=')[1] ?? '';

    for (const bad of ['not a key at all', rsa, publicKey]) {
      const problems = configProblemsOf(() => readConfig({ ...base, MESSAGE_SIGNING_KEY: bad }));
      expect(problems).toEqual([expect.stringMatching(/^MESSAGE_SIGNING_KEY is invalid: .*\(value not shown\)$/)]);
      expect(problems.join('\n')).not.toContain(bad.slice(0, 24));
    }
  });

  it('when a MESSAGE_PUBLIC_KEYS entry is malformed or listed twice, then it is refused', () => {
    const [first] = base.MESSAGE_PUBLIC_KEYS.split(',');

    expect(configProblemsOf(() => readConfig({ ...base, MESSAGE_PUBLIC_KEYS: `${base.MESSAGE_PUBLIC_KEYS},${first}` }))).toEqual([
      expect.stringMatching(/is listed twice/),
    ]);
    expect(configProblemsOf(() => readConfig({ ...base, MESSAGE_PUBLIC_KEYS: `${base.MESSAGE_PUBLIC_KEYS},orchestrator` }))).toEqual([
      expect.stringMatching(/^MESSAGE_PUBLIC_KEYS is invalid: .* is not <service>=<base64 SPKI DER/),
    ]);
  });
});

describe('the account process', () => {
  const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

  /** Runs main.ts with exactly this environment (and PATH); resolves with its exit code and output once it ends. */
  const runMain = (env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', MAIN], {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('when MESSAGE_SIGNING_KEY is not set, then the process exits 78 before it listens, with one stderr line naming the variable', async () => {
    const { MESSAGE_SIGNING_KEY: _notSet, ...env } = base;
    const port = await findFreePort();

    const result = await runMain({
      ...env,
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      PORT: String(port),
      LOG_LEVEL: 'info',
    });

    expect(result.code).toBe(78);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^account: config error: MESSAGE_SIGNING_KEY is required but not set: /),
    ]);
    expect(result.stdout).not.toMatch(/listening/i);
  }, 60_000);
});
