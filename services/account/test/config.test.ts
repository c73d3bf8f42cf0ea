import { ConfigError } from '@ordering/platform';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/account';

describe('account configuration', () => {
  it('when only DATABASE_URL is set, then the documented defaults apply', () => {
    expect(readConfig({ DATABASE_URL })).toEqual({
      port: 8083,
      host: '0.0.0.0',
      logLevel: 'info',
      databaseUrl: DATABASE_URL,
      databasePoolSize: 10,
      jwksUrl: 'http://127.0.0.1:8081/.well-known/jwks.json',
      peers: { orchestrator: ['http://127.0.0.1:8084'] },
    });
  });

  it('when ORCHESTRATOR_URL lists replicas, then replies can go to each of them', () => {
    const config = readConfig({ DATABASE_URL, ORCHESTRATOR_URL: 'http://orchestrator-1:8084,http://orchestrator-2:8084' });
    expect(config.peers).toEqual({ orchestrator: ['http://orchestrator-1:8084', 'http://orchestrator-2:8084'] });
  });

  it('when ORCHESTRATOR_URL has an empty entry or is not http, then it is a config error', () => {
    for (const bad of ['http://orchestrator:8084,', 'ftp://orchestrator']) {
      expect(() => readConfig({ DATABASE_URL, ORCHESTRATOR_URL: bad })).toThrow(ConfigError);
    }
  });

  it('when variables are set, then they win and are coerced to their types', () => {
    const config = readConfig({ DATABASE_URL, PORT: '9083', DATABASE_POOL_SIZE: '4', JWKS_URL: 'http://customer:8081/.well-known/jwks.json' });
    expect(config).toMatchObject({ port: 9083, databasePoolSize: 4, jwksUrl: 'http://customer:8081/.well-known/jwks.json' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when DATABASE_URL is missing and PORT is not a number, then every problem is reported at once', () => {
    try {
      readConfig({ PORT: 'eighty' });
      expect.unreachable('readConfig should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('DATABASE_URL is required');
      expect(problems).toContain('PORT="eighty" is invalid');
    }
  });
});
