import { configProblemsOf, TEST_OPERATOR_TOKEN, testMessageSecurityEnv } from '@ordering/testing';
import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_ADMIN_PASSWORD, readConfig } from '../src/config.js';
import { anEncodedEncryptionKey } from './builders.js';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/customer';
/** What a deployment sets: the database, the key that seals the token signing key, the message secrets. */
const base = { DATABASE_URL, SIGNING_KEY_ENCRYPTION_KEY: anEncodedEncryptionKey(), ...testMessageSecurityEnv('customer') };

const problemsOf = (env: Record<string, string | undefined>): string[] => configProblemsOf(() => readConfig(env));

describe('customer config', () => {
  it('when only the database and the secrets are set, then the documented defaults apply and no admin is bootstrapped', () => {
    expect(readConfig(base)).toEqual({
      port: 8081,
      host: '0.0.0.0',
      logLevel: 'info',
      databaseUrl: base.DATABASE_URL,
      databasePoolSize: 10,
      tokenTtlSeconds: 3600,
      admin: undefined,
      passwordHashing: { costLog2: 17, concurrency: 2, queueLimit: 32 },
      trustedProxies: ['127.0.0.0/8', '::1'],
      signingKeyEncryptionKey: expect.anything(),
      security: {
        signingKey: expect.anything(),
        publicKeys: expect.any(Map),
        operatorToken: TEST_OPERATOR_TOKEN,
        unsafeDevelopmentMode: false,
      },
      peers: { account: ['http://127.0.0.1:8083'] },
    });
  });

  it('when the hash settings and trusted proxies are set, then the service gets them', () => {
    const config = readConfig({
      ...base,
      PASSWORD_HASH_COST_LOG2: '18',
      PASSWORD_HASH_CONCURRENCY: '4',
      PASSWORD_HASH_QUEUE_LIMIT: '8',
      TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8,127.0.0.1',
    });

    expect(config.passwordHashing).toEqual({ costLog2: 18, concurrency: 4, queueLimit: 8 });
    expect(config.trustedProxies).toEqual(['10.0.0.0/8', 'fd00::/8', '127.0.0.1']);
  });

  it("when the hash cost is below OWASP's 2^17, then it is refused unless the development switch is set", () => {
    expect(problemsOf({ ...base, PASSWORD_HASH_COST_LOG2: '12' })).toEqual([
      expect.stringMatching(/^PASSWORD_HASH_COST_LOG2=12 is invalid: below 17 .*UNSAFE_DEVELOPMENT_MODE=true/),
    ]);
    expect(readConfig({ ...base, PASSWORD_HASH_COST_LOG2: '12', UNSAFE_DEVELOPMENT_MODE: 'true' }).passwordHashing.costLog2).toBe(12);
    expect(problemsOf({ ...base, PASSWORD_HASH_COST_LOG2: '9', UNSAFE_DEVELOPMENT_MODE: 'true' })).toEqual([
      expect.stringMatching(/^PASSWORD_HASH_COST_LOG2=.* is invalid/),
    ]);
  });

  it('when TRUSTED_PROXIES holds something that is not an address or CIDR, then one line names the bad entries', () => {
    const problems = problemsOf({ ...base, TRUSTED_PROXIES: '127.0.0.1,gateway,10.0.0.0/33,::1/129' });

    expect(problems).toEqual([expect.stringMatching(/^TRUSTED_PROXIES has invalid entries \["gateway","10.0.0.0\/33","::1\/129"\]/)]);
  });

  it('when ACCOUNT_URL lists replicas, then the relay gets each origin without trailing slashes', () => {
    expect(readConfig({ ...base, ACCOUNT_URL: 'http://account-1:8083/, http://account-2:8083' }).peers).toEqual({
      account: ['http://account-1:8083', 'http://account-2:8083'],
    });
  });

  it('when ACCOUNT_URL is not a list of bare origins, then it is a config error naming it', () => {
    expect(problemsOf({ ...base, ACCOUNT_URL: 'http://account:8083/base' })).toEqual([
      expect.stringMatching(/^ACCOUNT_URL=.*must be a bare origin/),
    ]);
  });

  it('when both admin variables are set, then the admin is configured', () => {
    const config = readConfig({ ...base, ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'admin password', TOKEN_TTL_SECONDS: '600' });

    expect(config.admin).toEqual({ email: 'admin@example.com', password: 'admin password' });
    expect(config.tokenTtlSeconds).toBe(600);
  });

  it('when only one admin variable is set, then it is a config error naming the missing one', () => {
    expect(problemsOf({ ...base, ADMIN_EMAIL: 'admin@example.com' })).toEqual([expect.stringMatching(/^ADMIN_PASSWORD is required/)]);
    expect(problemsOf({ ...base, ADMIN_PASSWORD: 'admin password' })).toEqual([expect.stringMatching(/^ADMIN_EMAIL is required/)]);
  });

  it('when the admin password is too short, then the error says so without echoing it', () => {
    const problems = problemsOf({ ...base, ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'secret1' });

    expect(problems).toEqual([expect.stringMatching(/^ADMIN_PASSWORD is invalid/)]);
    expect(problems.join('\n')).not.toContain('secret1');
  });

  it('when several values are bad, then every bad value is reported at once; the rules between variables follow once the values are valid', () => {
    const problems = problemsOf({ ...base, DATABASE_URL: undefined, ADMIN_EMAIL: 'not-an-email', TOKEN_TTL_SECONDS: '59' });

    expect(problems).toEqual([
      expect.stringMatching(/^DATABASE_URL is required/),
      expect.stringMatching(/^TOKEN_TTL_SECONDS=/),
      expect.stringMatching(/^ADMIN_EMAIL=/),
    ]);
    expect(problemsOf({ ...base, ADMIN_EMAIL: 'admin@example.com' })).toEqual([expect.stringMatching(/^ADMIN_PASSWORD is required/)]);
  });

  it('when SIGNING_KEY_ENCRYPTION_KEY is 32 bytes in base64 or base64url, then the service gets those bytes as a key', () => {
    const encoded = anEncodedEncryptionKey();
    const bytes = Buffer.from(encoded, 'base64url');

    expect(readConfig({ ...base, SIGNING_KEY_ENCRYPTION_KEY: encoded }).signingKeyEncryptionKey?.export()).toEqual(bytes);
    expect(readConfig({ ...base, SIGNING_KEY_ENCRYPTION_KEY: bytes.toString('base64') }).signingKeyEncryptionKey?.export()).toEqual(bytes);
    expect(
      readConfig({ ...base, SIGNING_KEY_ENCRYPTION_KEY: undefined, UNSAFE_DEVELOPMENT_MODE: 'true' }).signingKeyEncryptionKey,
    ).toBeUndefined();
  });

  it("when SIGNING_KEY_ENCRYPTION_KEY does not decode to 32 bytes, then one line says so, with the other rules' problems, never its value", () => {
    const tooShort = anEncodedEncryptionKey().slice(0, 40);

    const problems = problemsOf({ ...base, SIGNING_KEY_ENCRYPTION_KEY: tooShort, ADMIN_EMAIL: 'admin@example.com' });

    expect(problems).toEqual([
      expect.stringMatching(/^ADMIN_PASSWORD is required/),
      'SIGNING_KEY_ENCRYPTION_KEY is invalid: must be 32 bytes encoded as base64 or base64url, e.g. from `openssl rand -base64 32` (value not shown)',
    ]);
    expect(problems.join('\n')).not.toContain(tooShort);
  });

  it('when the token lifetime is out of bounds, then it is refused', () => {
    expect(problemsOf({ ...base, TOKEN_TTL_SECONDS: '86401' })).toHaveLength(1);
    expect(problemsOf({ ...base, TOKEN_TTL_SECONDS: '86400' })).toEqual([]);
  });
});

describe('customer secrets outside development mode', () => {
  it('when SIGNING_KEY_ENCRYPTION_KEY and the message secrets are missing, then there is one line for each, naming its variable', () => {
    const problems = problemsOf({ DATABASE_URL });

    expect(problems).toEqual([
      expect.stringMatching(/^SIGNING_KEY_ENCRYPTION_KEY is required but not set: .*UNSAFE_DEVELOPMENT_MODE=true/),
      expect.stringMatching(/^MESSAGE_SIGNING_KEY is required but not set: /),
      expect.stringMatching(/^OPERATOR_TOKEN is required but not set: /),
    ]);
  });

  it('when UNSAFE_DEVELOPMENT_MODE=true, then it starts without any of them', () => {
    const config = readConfig({ DATABASE_URL, UNSAFE_DEVELOPMENT_MODE: 'true' });

    expect(config.signingKeyEncryptionKey).toBeUndefined();
    expect(config.security).toEqual({
      signingKey: undefined,
      publicKeys: new Map(),
      operatorToken: undefined,
      unsafeDevelopmentMode: true,
    });
  });

  it('when ADMIN_PASSWORD is the built-in development password, then it is refused without the switch, never echoing it, and accepted with it', () => {
    const admin = { ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: DEVELOPMENT_ADMIN_PASSWORD };

    const problems = problemsOf({ ...base, ...admin });

    expect(DEVELOPMENT_ADMIN_PASSWORD).toBe('admin-password-change-me');
    expect(problems).toEqual([
      expect.stringMatching(/^ADMIN_PASSWORD is the built-in development password, refused outside development mode/),
    ]);
    expect(problems.join('\n')).not.toContain(DEVELOPMENT_ADMIN_PASSWORD);
    expect(readConfig({ ...base, ...admin, UNSAFE_DEVELOPMENT_MODE: 'true' }).admin).toEqual({
      email: 'admin@example.com',
      password: DEVELOPMENT_ADMIN_PASSWORD,
    });
  });
});
