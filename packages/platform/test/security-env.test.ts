import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  developmentModeEnv,
  jwksEnv,
  jwksUrlProblems,
  operatorTokenEnv,
  parseConfig,
  parseConfigChecked,
} from '../src/index.js';

const TokenSchema = Type.Object({ ...operatorTokenEnv });

const parseToken = (value: string) => () => parseConfig(TokenSchema, { OPERATOR_TOKEN: value }).OPERATOR_TOKEN;

describe('OPERATOR_TOKEN', () => {
  it('when it is unset or empty, then the config has none', () => {
    expect(parseConfig(TokenSchema, {}).OPERATOR_TOKEN).toBeUndefined();
    expect(parseToken('')()).toBeUndefined();
  });

  it('when it has 32 characters or more and no whitespace, then it is taken as it is', () => {
    const token = 'Kx9_-'.repeat(7);

    expect(parseToken(token)()).toBe(token);
  });

  it('when it is too short, holds whitespace, or both, then there is one problem line that never shows the value', () => {
    for (const bad of ['s3cret-but-short', `${'a'.repeat(20)} ${'b'.repeat(20)}`, 'short with spaces', `${'a'.repeat(40)}\n`]) {
      expect(parseToken(bad), JSON.stringify(bad)).toThrow(
        /^invalid configuration:\n {2}- OPERATOR_TOKEN=\(value hidden\) is invalid: [^\n]+$/,
      );
      expect(parseToken(bad)).not.toThrow(bad.trim());
    }
  });
});

describe('UNSAFE_DEVELOPMENT_MODE', () => {
  const DevelopmentSchema = Type.Object({ ...developmentModeEnv });

  it('when it is unset, then development mode is off; only true turns it on', () => {
    expect(parseConfig(DevelopmentSchema, {}).UNSAFE_DEVELOPMENT_MODE).toBe(false);
    expect(parseConfig(DevelopmentSchema, { UNSAFE_DEVELOPMENT_MODE: 'false' }).UNSAFE_DEVELOPMENT_MODE).toBe(false);
    expect(parseConfig(DevelopmentSchema, { UNSAFE_DEVELOPMENT_MODE: 'true' }).UNSAFE_DEVELOPMENT_MODE).toBe(true);
  });

  it('when it is not a boolean, then it is a problem naming the variable, not a silent off', () => {
    expect(() => parseConfig(DevelopmentSchema, { UNSAFE_DEVELOPMENT_MODE: 'yes please' })).toThrow(/UNSAFE_DEVELOPMENT_MODE/);
  });
});

describe('JWKS_URL', () => {
  const JwksSchema = Type.Object({ ...developmentModeEnv, ...jwksEnv });
  const readJwks = (env: Record<string, string>) => parseConfigChecked(JwksSchema, env, jwksUrlProblems);
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      readJwks(env);
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };

  it('when it is https, or http to a loopback address, then it is accepted without any other setting', () => {
    for (const url of [
      'https://customer.example.com/.well-known/jwks.json',
      'https://customer:8081/.well-known/jwks.json',
      'http://127.0.0.1:8081/.well-known/jwks.json',
      'http://localhost:8081/.well-known/jwks.json',
      'http://[::1]:8081/.well-known/jwks.json',
    ]) {
      expect(problemsOf({ JWKS_URL: url }), url).toEqual([]);
    }
    expect(readJwks({}).JWKS_URL).toBe('http://127.0.0.1:8081/.well-known/jwks.json');
  });

  it('when it is plain http to another host, then it is refused with one line naming the remedy', () => {
    for (const url of [
      'http://customer:8081/.well-known/jwks.json',
      'http://10.0.0.5:8081/.well-known/jwks.json',
      'http://localhost.attacker.example/jwks.json',
    ]) {
      const problems = problemsOf({ JWKS_URL: url });
      expect(problems, url).toHaveLength(1);
      expect(problems[0]).toMatch(/^JWKS_URL=.* is invalid: must be https .*JWKS_OVER_PRIVATE_NETWORK=true/);
    }
  });

  it('when a mesh with mutual TLS carries it (JWKS_OVER_PRIVATE_NETWORK=true) or development mode is on, then plain http to another host is accepted', () => {
    const url = 'http://customer:8081/.well-known/jwks.json';

    expect(problemsOf({ JWKS_URL: url, JWKS_OVER_PRIVATE_NETWORK: 'true' })).toEqual([]);
    expect(problemsOf({ JWKS_URL: url, UNSAFE_DEVELOPMENT_MODE: 'true' })).toEqual([]);
    expect(problemsOf({ JWKS_URL: url, JWKS_OVER_PRIVATE_NETWORK: 'false' })).toHaveLength(1);
  });
});
