import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, databaseEnv, parseConfig, serviceEnv } from '../src/index.js';

const Schema = Type.Object({ ...serviceEnv(8081), ...databaseEnv, TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, default: 3600 }) });

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    parseConfig(Schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('parseConfig', () => {
  it('when only required values are set, then defaults fill the rest and values are typed', () => {
    const config = parseConfig(Schema, { DATABASE_URL: 'postgres://localhost/x', UNRELATED: 'ignored' });
    expect(config).toEqual({ PORT: 8081, HOST: '0.0.0.0', LOG_LEVEL: 'info', DATABASE_URL: 'postgres://localhost/x', DATABASE_POOL_SIZE: 10, TOKEN_TTL_SECONDS: 3600 });
  });

  it('when values are given as strings, then they are coerced', () => {
    expect(parseConfig(Schema, { DATABASE_URL: 'postgres://h/d', PORT: '9000' }).PORT).toBe(9000);
  });

  it('when the config is parsed, then it is frozen', () => {
    const config = parseConfig(Schema, { DATABASE_URL: 'postgres://h/d' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when several values are bad, then every problem is reported on its own line', () => {
    const problems = problemsOf({ PORT: 'eighty', LOG_LEVEL: 'loud', TOKEN_TTL_SECONDS: '5' });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/DATABASE_URL is required/);
    expect(problems.join('\n')).toMatch(/PORT="eighty" is invalid/);
    expect(problems.join('\n')).toMatch(/TOKEN_TTL_SECONDS="5" is invalid/);
  });
});

describe('parseConfig secrecy', () => {
  it('when a secret or a URL with credentials is invalid, then the problem line does not echo the secret', () => {
    const Secrets = Type.Object({ ADMIN_PASSWORD: Type.String({ minLength: 8 }), DATABASE_URL: Type.String({ pattern: '^postgres://.+/db$' }) });
    try {
      parseConfig(Secrets, { ADMIN_PASSWORD: 'short', DATABASE_URL: 'mysql://root:hunter2@host/x' });
      expect.unreachable();
    } catch (error) {
      const text = (error as ConfigError).problems.join('\n');
      expect(text).toContain('ADMIN_PASSWORD=(value hidden)');
      expect(text).toContain('mysql://***@host/x');
      expect(text).not.toMatch(/short|hunter2/);
    }
  });
});
