import { ConfigError } from '@ordering/platform';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { anEncodedEncryptionKey } from './builders.js';

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/customer' };

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('customer config', () => {
  it('when only the database is set, then the documented defaults apply and no admin is bootstrapped', () => {
    expect(readConfig(base)).toEqual({
      port: 8081,
      host: '0.0.0.0',
      logLevel: 'info',
      databaseUrl: base.DATABASE_URL,
      databasePoolSize: 10,
      tokenTtlSeconds: 3600,
      admin: undefined,
      passwordHashing: { costLog2: 17, concurrency: 2, queueLimit: 32 },
      trustedProxies: ['127.0.0.1', '::1'],
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
    expect(problemsOf({ ...base, PASSWORD_HASH_COST_LOG2: '12' })).toEqual([expect.stringMatching(/^PASSWORD_HASH_COST_LOG2=12 is invalid: below 17 .*UNSAFE_DEVELOPMENT_MODE=true/)]);
    expect(readConfig({ ...base, PASSWORD_HASH_COST_LOG2: '12', UNSAFE_DEVELOPMENT_MODE: 'true' }).passwordHashing.costLog2).toBe(12);
    expect(problemsOf({ ...base, PASSWORD_HASH_COST_LOG2: '9', UNSAFE_DEVELOPMENT_MODE: 'true' })).toEqual([expect.stringMatching(/^PASSWORD_HASH_COST_LOG2=.* is invalid/)]);
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

  it('when ACCOUNT_URL is not a list of bare origins, then it is reported together with the admin problems', () => {
    const problems = problemsOf({ ...base, ACCOUNT_URL: 'http://account:8083/base', ADMIN_EMAIL: 'admin@example.com' });

    expect(problems).toEqual([expect.stringMatching(/^ACCOUNT_URL=.*must be a bare origin/), expect.stringMatching(/^ADMIN_PASSWORD is required/)]);
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

  it('when several values are bad, then every problem is reported at once', () => {
    const problems = problemsOf({ ADMIN_EMAIL: 'not-an-email', TOKEN_TTL_SECONDS: '59' });

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DATABASE_URL is required/),
        expect.stringMatching(/^TOKEN_TTL_SECONDS=/),
        expect.stringMatching(/^ADMIN_EMAIL=/),
        expect.stringMatching(/^ADMIN_PASSWORD is required/),
      ]),
    );
  });

  it('when SIGNING_KEY_ENCRYPTION_KEY is 32 bytes in base64 or base64url, then the service gets those bytes as a key', () => {
    const encoded = anEncodedEncryptionKey();
    const bytes = Buffer.from(encoded, 'base64url');

    expect(readConfig({ ...base, SIGNING_KEY_ENCRYPTION_KEY: encoded }).signingKeyEncryptionKey?.export()).toEqual(bytes);
    expect(readConfig({ ...base, SIGNING_KEY_ENCRYPTION_KEY: bytes.toString('base64') }).signingKeyEncryptionKey?.export()).toEqual(bytes);
    expect(readConfig(base).signingKeyEncryptionKey).toBeUndefined();
  });

  it('when SIGNING_KEY_ENCRYPTION_KEY does not decode to 32 bytes, then one line says so, with the other problems, never its value', () => {
    const tooShort = anEncodedEncryptionKey().slice(0, 40);

    const problems = problemsOf({ ...base, SIGNING_KEY_ENCRYPTION_KEY: tooShort, TOKEN_TTL_SECONDS: '59' });

    expect(problems).toEqual([
      expect.stringMatching(/^TOKEN_TTL_SECONDS=/),
      'SIGNING_KEY_ENCRYPTION_KEY is invalid: must be 32 bytes encoded as base64 or base64url, e.g. from `openssl rand -base64 32` (value not shown)',
    ]);
    expect(problems.join('\n')).not.toContain(tooShort);
  });

  it('when the token lifetime is out of bounds, then it is refused', () => {
    expect(problemsOf({ ...base, TOKEN_TTL_SECONDS: '86401' })).toHaveLength(1);
    expect(problemsOf({ ...base, TOKEN_TTL_SECONDS: '86400' })).toEqual([]);
  });
});
