import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, databaseEnv, parseConfig, parseConfigChecked, serviceEnv } from '../src/index.js';

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
    expect(config).toEqual({
      PORT: 8081,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgres://localhost/x',
      DATABASE_POOL_SIZE: 10,
      TOKEN_TTL_SECONDS: 3600,
    });
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
    const Secrets = Type.Object({
      ADMIN_PASSWORD: Type.String({ minLength: 8 }),
      DATABASE_URL: Type.String({ pattern: '^postgres://.+/db$' }),
    });
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

describe('parseConfigChecked', () => {
  const PairSchema = Type.Object({
    FIRST: Type.Optional(Type.String()),
    SECOND: Type.Optional(Type.String()),
    PORT: Type.Integer({ default: 1 }),
  });
  const bothOrNeither = (values: { FIRST?: string | undefined; SECOND?: string | undefined }): string[] =>
    (values.FIRST === undefined) === (values.SECOND === undefined) ? [] : ['FIRST and SECOND go together'];
  const noFirst = (values: { FIRST?: string | undefined }): string[] =>
    values.FIRST === 'forbidden' ? ['FIRST may not be forbidden'] : [];

  it('when every check passes, then it returns the parsed, frozen values', () => {
    const values = parseConfigChecked(PairSchema, { FIRST: 'a', SECOND: 'b', PORT: '2' }, bothOrNeither, noFirst);

    expect(values).toEqual({ FIRST: 'a', SECOND: 'b', PORT: 2 });
    expect(Object.isFrozen(values)).toBe(true);
  });

  it('when several checks find problems, then all of them are reported together, one line each', () => {
    const read = () => parseConfigChecked(PairSchema, { FIRST: 'forbidden' }, bothOrNeither, noFirst);

    expect(read).toThrow(ConfigError);
    expect(read).toThrow('invalid configuration:\n  - FIRST and SECOND go together\n  - FIRST may not be forbidden');
  });

  it('when a value is invalid, then that is reported and the checks wait until the values are valid', () => {
    expect(() => parseConfigChecked(PairSchema, { FIRST: 'a', PORT: 'x' }, bothOrNeither)).toThrow(
      /^invalid configuration:\n {2}- PORT="x" is invalid: [^\n]+$/,
    );
  });
});
