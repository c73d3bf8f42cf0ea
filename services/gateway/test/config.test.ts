import { ConfigError } from '@ordering/platform';
import { configProblemsOf } from '@ordering/testing';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';

describe('gateway config', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    const config = readConfig({});

    expect(config.port).toBe(8080);
    expect(config.upstreams).toEqual({
      customer: ['http://127.0.0.1:8081'],
      order: ['http://127.0.0.1:8082'],
      account: ['http://127.0.0.1:8083'],
      orchestrator: ['http://127.0.0.1:8084'],
    });
    expect(config.rateLimit).toEqual({ max: 1200, windowSeconds: 10 });
    expect(config.upstreamTimeoutMs).toBe(35_000);
  });

  it('when an upstream lists several replicas, then each becomes a bare origin', () => {
    const config = readConfig({ ORDER_URL: 'http://10.0.0.5:8082/, http://order-1.internal:8092' });

    expect(config.upstreams.order).toEqual(['http://10.0.0.5:8082', 'http://order-1.internal:8092']);
  });

  it('when upstream lists are invalid, then every problem is reported at once', () => {
    const read = () =>
      readConfig({
        CUSTOMER_URL: 'not a url',
        ORDER_URL: 'ftp://x:1',
        ACCOUNT_URL: 'http://a:1,,http://b:2',
        ORCHESTRATOR_URL: 'http://o:1/base',
      });

    expect(read).toThrow(ConfigError);
    try {
      read();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(4);
      expect(problems.join('\n')).toMatch(/CUSTOMER_URL.*ORDER_URL.*ACCOUNT_URL.*ORCHESTRATOR_URL/s);
    }
  });

  it('when a number is out of range, then the config is refused', () => {
    expect(() => readConfig({ RATE_LIMIT_MAX: '0' })).toThrow(ConfigError);
    expect(() => readConfig({ UPSTREAM_TIMEOUT_MS: 'soon' })).toThrow(ConfigError);
  });

  it('when REDIS_URL is unset, then the rate limit counts in the process, and /metrics has its own listener on 0.0.0.0:9090', () => {
    const config = readConfig({});

    expect(config.rateLimit.sharedStore).toBeUndefined();
    expect(config.metrics).toEqual({ port: 9090, host: '0.0.0.0' });
  });

  it('when REDIS_URL is set, then the counts go to that Redis under the default or the given key prefix', () => {
    expect(readConfig({ REDIS_URL: 'rediss://:secret@cache.internal:6380/2' }).rateLimit.sharedStore).toEqual({
      url: 'rediss://:secret@cache.internal:6380/2',
      keyPrefix: 'ordering:rate-limit:',
    });
    expect(readConfig({ REDIS_URL: 'redis://127.0.0.1:6379', RATE_LIMIT_REDIS_PREFIX: 'bench-1:' }).rateLimit.sharedStore?.keyPrefix).toBe(
      'bench-1:',
    );
  });

  it('when REDIS_URL is not a redis URL, then the config is refused without echoing its password', () => {
    try {
      readConfig({ REDIS_URL: 'http://user:hunter2@cache:6379', METRICS_PORT: '70000', RATE_LIMIT_REDIS_PREFIX: 'has spaces' });
      expect.unreachable('the config was accepted');
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems.map((problem) => problem.split('=')[0])).toEqual(['REDIS_URL', 'RATE_LIMIT_REDIS_PREFIX', 'METRICS_PORT']);
      expect(problems.join('\n')).not.toContain('hunter2');
    }
  });

  it('when JWKS_URL is plain http to another host, then it is refused unless JWKS_OVER_PRIVATE_NETWORK=true or UNSAFE_DEVELOPMENT_MODE=true', () => {
    const JWKS_URL = 'http://customer:8081/.well-known/jwks.json';

    expect(configProblemsOf(() => readConfig({ JWKS_URL }))).toEqual([expect.stringMatching(/^JWKS_URL=.* is invalid: must be https/)]);
    expect(readConfig({ JWKS_URL, JWKS_OVER_PRIVATE_NETWORK: 'true' }).jwksUrl).toBe(JWKS_URL);
    expect(readConfig({ JWKS_URL, UNSAFE_DEVELOPMENT_MODE: 'true' }).jwksUrl).toBe(JWKS_URL);
    expect(readConfig({ JWKS_URL: 'https://customer.example.com/.well-known/jwks.json' }).jwksUrl).toBe(
      'https://customer.example.com/.well-known/jwks.json',
    );
  });
});
