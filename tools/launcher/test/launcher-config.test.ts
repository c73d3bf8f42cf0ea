import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLauncherConfig, type LauncherConfig } from '../src/launcher-config.js';

const CWD = '/work/project';

const load = (env: Record<string, string | undefined>, argv: string[] = []) => loadLauncherConfig(env, argv, CWD);

const loadOk = (env: Record<string, string | undefined>, argv: string[] = []): LauncherConfig => {
  const result = load(env, argv);
  if (!result.ok) throw new Error(`expected a valid config, got: ${result.problems.join('; ')}`);
  return result.config;
};

const problemsOf = (env: Record<string, string | undefined>, argv: string[] = []): readonly string[] => {
  const result = load(env, argv);
  if (result.ok) throw new Error('expected configuration problems');
  return result.problems;
};

const OPERATOR_TOKEN_PROBLEM = 'OPERATOR_TOKEN is invalid: must be at least 32 characters, without whitespace (value not shown)';
const ENCRYPTION_KEY_PROBLEM =
  'SIGNING_KEY_ENCRYPTION_KEY is invalid: must be 32 bytes encoded as base64 or base64url, e.g. from `openssl rand -base64 32` (value not shown)';

/** Environments with one bad value, and the one problem line each must give (never echoing a secret). */
const ONE_PROBLEM_CASES: ReadonlyArray<{ when: string; env: Record<string, string>; problem: string }> = [
  {
    when: 'REDIS_URL is not a redis URL (the line names it without its password)',
    env: { REDIS_URL: 'http://user:pw@cache:6379' },
    problem: 'REDIS_URL="http://user:***@cache:6379" is invalid: must start with redis:// or rediss://',
  },
  {
    when: 'replica ports would overlap another service',
    env: { REPLICAS: '2', ORDER_PORT: '8091', ADMIN_PASSWORD: 'a-long-secret' },
    problem: 'order and customer#1 would both listen on port 8091: choose distinct ports',
  },
  { when: 'OPERATOR_TOKEN is too short', env: { OPERATOR_TOKEN: 'too-short-a-secret' }, problem: OPERATOR_TOKEN_PROBLEM },
  {
    when: 'OPERATOR_TOKEN holds whitespace',
    env: { OPERATOR_TOKEN: `${'a'.repeat(20)} ${'b'.repeat(20)}` },
    problem: OPERATOR_TOKEN_PROBLEM,
  },
  {
    when: 'SIGNING_KEY_ENCRYPTION_KEY is 31 bytes',
    env: { SIGNING_KEY_ENCRYPTION_KEY: Buffer.alloc(31, 7).toString('base64url') },
    problem: ENCRYPTION_KEY_PROBLEM,
  },
  {
    when: 'SIGNING_KEY_ENCRYPTION_KEY is hex',
    env: { SIGNING_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('hex') },
    problem: ENCRYPTION_KEY_PROBLEM,
  },
  {
    when: 'SIGNING_KEY_ENCRYPTION_KEY is no key at all',
    env: { SIGNING_KEY_ENCRYPTION_KEY: 'not a key at all' },
    problem: ENCRYPTION_KEY_PROBLEM,
  },
];

/** Secrets the launcher takes for itself: a set value is kept in its field, and never forwarded as a service setting. */
const KEPT_SECRET_CASES = [
  { variable: 'OPERATOR_TOKEN', value: 'Kx9_-'.repeat(7), field: 'operatorToken' },
  { variable: 'SIGNING_KEY_ENCRYPTION_KEY', value: Buffer.alloc(32, 7).toString('base64'), field: 'signingKeyEncryptionKey' },
] as const;

describe('loadLauncherConfig', () => {
  it.each(ONE_PROBLEM_CASES)('when $when, then that one problem line is reported', ({ env, problem }) => {
    expect(problemsOf(env)).toEqual([problem]);
  });

  it.each(KEPT_SECRET_CASES)(
    'when $variable is set, then it is taken, and it is never forwarded as a plain service setting',
    ({ variable, value, field }) => {
      const config = loadOk({ [variable]: value });

      expect(config[field]).toBe(value);
      expect(config.forwardedEnv).toEqual({});
      expect(loadOk({ [variable]: '' })[field]).toBeUndefined();
    },
  );

  it('when the environment is empty, then the documented development defaults apply', () => {
    const config = loadOk({});

    expect(config).toMatchObject({
      dataDir: path.join(CWD, '.data'),
      gatewayPort: 8080,
      gatewayMetricsPort: 9090,
      servicePorts: { customer: 8081, order: 8082, account: 8083, orchestrator: 8084 },
      embeddedPostgresPort: 54329,
      replicas: 1,
      postgresUrl: undefined,
      databasePrefix: '',
      brokerUrl: undefined,
      redisUrl: undefined,
      adminEmail: 'admin@example.com',
      adminPassword: 'admin-password-change-me',
      adminCredentialsAreDefaults: true,
      logLevel: 'info',
      logFormat: 'pretty',
    });
  });

  it('when variables are set, then they win over the defaults', () => {
    const config = loadOk({
      DATA_DIR: '/var/lib/ordering',
      GATEWAY_PORT: '9080',
      CUSTOMER_PORT: '9081',
      ORDER_PORT: '9082',
      ACCOUNT_PORT: '9083',
      ORCHESTRATOR_PORT: '9084',
      PGPORT_EMBEDDED: '55432',
      ADMIN_EMAIL: 'root@shop.test',
      ADMIN_PASSWORD: 'a-long-secret',
      POSTGRES_URL: 'postgres://app:pw@db:5432/postgres',
      DB_PREFIX: 'dev_',
      BROKER_URL: 'amqp://guest:guest@127.0.0.1:5672',
      REPLICAS: '3',
      LOG_LEVEL: 'debug',
      LAUNCHER_LOG_FORMAT: 'json',
    });

    expect(config).toMatchObject({
      dataDir: '/var/lib/ordering',
      gatewayPort: 9080,
      servicePorts: { customer: 9081, order: 9082, account: 9083, orchestrator: 9084 },
      embeddedPostgresPort: 55432,
      adminEmail: 'root@shop.test',
      adminPassword: 'a-long-secret',
      adminCredentialsAreDefaults: false,
      postgresUrl: 'postgres://app:pw@db:5432/postgres',
      databasePrefix: 'dev_',
      brokerUrl: 'amqp://guest:guest@127.0.0.1:5672',
      replicas: 3,
      logLevel: 'debug',
      logFormat: 'json',
    });
  });

  it('when REDIS_URL and GATEWAY_METRICS_PORT are set, then the config carries them', () => {
    expect(loadOk({ REDIS_URL: 'rediss://:pw@cache:6380', GATEWAY_METRICS_PORT: '9190' })).toMatchObject({
      redisUrl: 'rediss://:pw@cache:6380',
      gatewayMetricsPort: 9190,
    });
  });

  it("when the gateway metrics port is another process's port, then the clash is refused", () => {
    expect(problemsOf({ GATEWAY_METRICS_PORT: '8082' }).join('\n')).toMatch(/order and gateway metrics would both listen on port 8082/);
  });

  it('when DATA_DIR is relative, then it is resolved against the working directory', () => {
    expect(loadOk({ DATA_DIR: 'tmp/state' }).dataDir).toBe(path.join(CWD, 'tmp/state'));
  });

  it('when --replicas is given, then it wins over REPLICAS', () => {
    const admin = { ADMIN_PASSWORD: 'a-long-secret' };
    expect(loadOk({ REPLICAS: '2', ...admin }, ['--replicas', '3']).replicas).toBe(3);
    expect(loadOk(admin, ['--replicas=2']).replicas).toBe(2);
  });

  it('when a variable is set to an empty string, then it counts as unset', () => {
    const config = loadOk({ GATEWAY_PORT: '', BROKER_URL: '', POSTGRES_URL: '' });

    expect(config.gatewayPort).toBe(8080);
    expect(config.brokerUrl).toBeUndefined();
    expect(config.postgresUrl).toBeUndefined();
  });

  it('when PGPORT_EMBEDDED is 5432, then it is refused with one problem line naming the variable', () => {
    const problems = problemsOf({ PGPORT_EMBEDDED: '5432' });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PGPORT_EMBEDDED="5432" is invalid: .*5432/);
  });

  it.each(['0', '-1', 'abc', '2.5', '11'])('when REPLICAS is %s, then one problem line explains the allowed range', (value) => {
    const problems = problemsOf({ REPLICAS: value });

    expect(problems).toEqual([`REPLICAS=${JSON.stringify(value)} is invalid: must be an integer between 1 and 10`]);
  });

  it.each(['GATEWAY_PORT', 'GATEWAY_METRICS_PORT', 'CUSTOMER_PORT', 'ORDER_PORT', 'ACCOUNT_PORT', 'ORCHESTRATOR_PORT', 'PGPORT_EMBEDDED'])(
    'when %s is not a port number, then one problem line names it',
    (name) => {
      for (const value of ['http', '0', '65536', '80a']) {
        expect(problemsOf({ [name]: value })).toEqual([
          `${name}=${JSON.stringify(value)} is invalid: must be an integer port between 1 and 65535`,
        ]);
      }
    },
  );

  it('when several values are bad, then every problem is reported at once, one line each', () => {
    const problems = problemsOf({ GATEWAY_PORT: 'x', REPLICAS: '0', LOG_LEVEL: 'loud', BROKER_URL: 'http://rabbit' });

    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/GATEWAY_PORT/);
    expect(problems.join('\n')).toMatch(/REPLICAS/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL="loud" is invalid: must be one of fatal, error, warn, info, debug, trace, silent/);
    expect(problems.join('\n')).toMatch(/BROKER_URL="http:\/\/rabbit" is invalid: must start with amqp:\/\/ or amqps:\/\//);
  });

  it('when POSTGRES_URL is not a postgres URL, then the problem line does not echo its password', () => {
    const problems = problemsOf({ POSTGRES_URL: 'mysql://app:secret@db/app' });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^POSTGRES_URL=/);
    expect(problems[0]).not.toMatch(/secret/);
  });

  it('when the system runs in production mode without ADMIN_PASSWORD, or with the built-in one, then one problem line says which variable to set', () => {
    const production = [
      { POSTGRES_URL: 'postgres://u@127.0.0.1:5432' },
      { BROKER_URL: 'amqp://guest:guest@127.0.0.1:5672' },
      { REPLICAS: '2' },
    ];
    for (const env of production) {
      for (const password of [{}, { ADMIN_PASSWORD: 'admin-password-change-me' }]) {
        expect(problemsOf({ ...env, ...password }), JSON.stringify(env)).toEqual([
          'ADMIN_PASSWORD must be set in production mode (POSTGRES_URL, BROKER_URL or more than one replica): the built-in development password is refused there',
        ]);
      }
      expect(loadOk({ ...env, ADMIN_PASSWORD: 'a-long-secret' }).developmentMode).toBe(false);
    }
    expect(loadOk({}).developmentMode).toBe(true);
  });

  it('when an unknown argument is passed, then it is reported', () => {
    expect(problemsOf({}, ['--replica', '2'])).toContain(
      'unknown argument "--replica" (the launcher accepts only --replicas N and --observe)',
    );
  });

  it('when --observe is not given, then no Prometheus is asked for and its defaults are 9095 and 15 s', () => {
    expect(loadOk({})).toMatchObject({ observe: false, prometheusPort: 9095, prometheusIntervalSeconds: 15, prometheusBinary: undefined });
  });

  it('when --observe is given with Prometheus settings, then the config carries them, next to --replicas', () => {
    const config = loadOk(
      {
        PROMETHEUS_PORT: '19095',
        PROMETHEUS_INTERVAL_SECONDS: '1',
        PROMETHEUS_BIN: '/opt/prometheus/prometheus',
        ADMIN_PASSWORD: 'a-long-secret',
      },
      ['--replicas', '2', '--observe'],
    );

    expect(config).toMatchObject({
      observe: true,
      replicas: 2,
      prometheusPort: 19095,
      prometheusIntervalSeconds: 1,
      prometheusBinary: '/opt/prometheus/prometheus',
    });
  });

  it('when --observe is given a value or the interval is not a whole number of seconds from 1 to 300, then one problem line each', () => {
    expect(problemsOf({ PROMETHEUS_INTERVAL_SECONDS: '0.5', PROMETHEUS_PORT: '99999' }, ['--observe=yes'])).toEqual([
      '"--observe=yes" is invalid: --observe takes no value',
      'PROMETHEUS_PORT="99999" is invalid: must be an integer port between 1 and 65535',
      'PROMETHEUS_INTERVAL_SECONDS="0.5" is invalid: must be an integer between 1 and 300',
    ]);
    expect(problemsOf({ PROMETHEUS_INTERVAL_SECONDS: '301' })).toEqual([
      'PROMETHEUS_INTERVAL_SECONDS="301" is invalid: must be an integer between 1 and 300',
    ]);
  });

  it('when Prometheus would take the gateway metrics port, then the clash is refused only with --observe', () => {
    expect(problemsOf({ PROMETHEUS_PORT: '9090' }, ['--observe'])).toEqual([
      'prometheus and gateway metrics would both listen on port 9090: choose distinct ports',
    ]);
    expect(loadOk({ PROMETHEUS_PORT: '9090' }).observe).toBe(false);
  });

  it('when service settings are set, then exactly those are forwarded, and only harmless parent variables are inherited', () => {
    const serviceSettings = {
      RATE_LIMIT_MAX: '50',
      TOKEN_TTL_SECONDS: '900',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      PASSWORD_HASH_COST_LOG2: '18',
    };
    const harmless = { PATH: '/usr/bin', HOME: '/home/dev', LC_ALL: 'C.UTF-8' };

    const config = loadOk({
      ...serviceSettings,
      ...harmless,
      AWS_SECRET_ACCESS_KEY: 'do-not-leak',
      DATABASE_URL: 'postgres://elsewhere/db',
    });

    expect(config.forwardedEnv).toEqual(serviceSettings);
    expect(config.inheritedEnv).toEqual(harmless);
  });

  it('when the config is loaded, then it is frozen', () => {
    const config = loadOk({});

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.servicePorts)).toBe(true);
  });
});
