import { describe, expect, it } from 'vitest';
import { databaseName, planProcesses, plannedPorts } from '../src/service-plan.js';
import { aLauncherConfig } from './builders.js';

const DATABASE_URLS = {
  customer: 'postgres://u:p@127.0.0.1:54329/customer',
  order: 'postgres://u:p@127.0.0.1:54329/order',
  account: 'postgres://u:p@127.0.0.1:54329/account',
  orchestrator: 'postgres://u:p@127.0.0.1:54329/orchestrator',
};

const aKeyPair = (service: string) => ({ signingKey: `${service}-private-key`, publicKey: `${service}-public-key` });
const SECRETS = {
  operatorToken: 'Kx9_-'.repeat(7),
  signingKeyEncryptionKey: 'K'.repeat(43),
  messageKeys: {
    customer: aKeyPair('customer'),
    order: aKeyPair('order'),
    account: aKeyPair('account'),
    orchestrator: aKeyPair('orchestrator'),
  },
};

describe('planProcesses', () => {
  it('when two replicas are asked for, then each service runs twice on port + 10 and the gateway once, last', () => {
    const specs = planProcesses(aLauncherConfig({ REPLICAS: '2' }), DATABASE_URLS, SECRETS);

    expect(specs.map((spec) => `${spec.name}@${spec.port}`)).toEqual([
      'customer@8081',
      'customer#1@8091',
      'order@8082',
      'order#1@8092',
      'account@8083',
      'account#1@8093',
      'orchestrator@8084',
      'orchestrator#1@8094',
      'gateway@8080',
    ]);
    expect(specs.every((spec) => spec.entry === `services/${spec.service}/src/main.ts`)).toBe(true);
  });

  it('when planned, then every process knows every replica of its peers and where the JWKS is', () => {
    const specs = planProcesses(aLauncherConfig({ REPLICAS: '2' }), DATABASE_URLS, SECRETS);

    for (const spec of specs) {
      expect(spec.env).toMatchObject({
        SERVICE_NAME: spec.service,
        PORT: String(spec.port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        JWKS_URL: 'http://127.0.0.1:8081/.well-known/jwks.json',
        CUSTOMER_URL: 'http://127.0.0.1:8081,http://127.0.0.1:8091',
        ORDER_URL: 'http://127.0.0.1:8082,http://127.0.0.1:8092',
        ACCOUNT_URL: 'http://127.0.0.1:8083,http://127.0.0.1:8093',
        ORCHESTRATOR_URL: 'http://127.0.0.1:8084,http://127.0.0.1:8094',
      });
    }
  });

  it('when planned, then each service gets its own database, the gateway none, and only customer the admin credentials', () => {
    const specs = planProcesses(aLauncherConfig({}), DATABASE_URLS, SECRETS);
    const env = (name: string) => specs.find((spec) => spec.name === name)?.env ?? {};

    expect(env('order').DATABASE_URL).toBe(DATABASE_URLS.order);
    expect(env('gateway').DATABASE_URL).toBeUndefined();
    expect(env('customer')).toMatchObject({ ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'admin-password-change-me' });
    expect(env('account').ADMIN_PASSWORD).toBeUndefined();
    expect(env('gateway').ADMIN_PASSWORD).toBeUndefined();
  });

  it('when planned, then every service replica gets the operator token, its own signing key and every public key, and the gateway none of them', () => {
    const specs = planProcesses(aLauncherConfig({ REPLICAS: '2' }), DATABASE_URLS, SECRETS);
    const everyPublicKey =
      'customer=customer-public-key,order=order-public-key,account=account-public-key,orchestrator=orchestrator-public-key';

    for (const spec of specs) {
      if (spec.service === 'gateway') {
        expect(spec.env.OPERATOR_TOKEN).toBeUndefined();
        expect(spec.env.MESSAGE_SIGNING_KEY).toBeUndefined();
        continue;
      }
      expect(spec.env.OPERATOR_TOKEN, spec.name).toBe(SECRETS.operatorToken);
      expect(spec.env.MESSAGE_SIGNING_KEY, spec.name).toBe(`${spec.service}-private-key`);
      expect(spec.env.MESSAGE_PUBLIC_KEYS, spec.name).toBe(everyPublicKey);
    }
  });

  it('when on a laptop with the built-in admin password (whatever the email), then only the customer service gets the development switch; in production mode nobody does', () => {
    const laptop = planProcesses(aLauncherConfig({}), DATABASE_URLS, SECRETS);
    const production = planProcesses(
      aLauncherConfig({ POSTGRES_URL: 'postgres://u@127.0.0.1:5432', ADMIN_PASSWORD: 'a-long-secret' }),
      DATABASE_URLS,
      SECRETS,
    );
    const ownPassword = planProcesses(aLauncherConfig({ ADMIN_PASSWORD: 'a-long-secret' }), DATABASE_URLS, SECRETS);
    const ownEmail = planProcesses(aLauncherConfig({ ADMIN_EMAIL: 'root@shop.test' }), DATABASE_URLS, SECRETS);

    for (const spec of [...laptop, ...ownEmail])
      expect(spec.env.UNSAFE_DEVELOPMENT_MODE, spec.name).toBe(spec.service === 'customer' ? 'true' : undefined);
    for (const spec of [...production, ...ownPassword]) expect(spec.env.UNSAFE_DEVELOPMENT_MODE, spec.name).toBeUndefined();
  });

  it("when a test suite asks for password hashes cheaper than OWASP's minimum, then only the customer service gets the development switch that allows them", () => {
    const specs = planProcesses(
      aLauncherConfig({ POSTGRES_URL: 'postgres://u@127.0.0.1:5432', PASSWORD_HASH_COST_LOG2: '12' }),
      DATABASE_URLS,
      SECRETS,
    );
    const atMinimum = planProcesses(
      aLauncherConfig({ POSTGRES_URL: 'postgres://u@127.0.0.1:5432', PASSWORD_HASH_COST_LOG2: '17' }),
      DATABASE_URLS,
      SECRETS,
    );

    for (const spec of specs) expect(spec.env.UNSAFE_DEVELOPMENT_MODE, spec.name).toBe(spec.service === 'customer' ? 'true' : undefined);
    for (const spec of atMinimum) expect(spec.env.UNSAFE_DEVELOPMENT_MODE, spec.name).toBeUndefined();
  });

  it('when planned, then every customer replica gets the signing key encryption key and no other process does', () => {
    const specs = planProcesses(aLauncherConfig({ REPLICAS: '2' }), DATABASE_URLS, SECRETS);

    for (const spec of specs) {
      expect(spec.env.SIGNING_KEY_ENCRYPTION_KEY, spec.name).toBe(
        spec.service === 'customer' ? SECRETS.signingKeyEncryptionKey : undefined,
      );
    }
  });

  it("when planned, then every customer replica sizes libuv's pool for its password hashes and no other process does", () => {
    const specs = planProcesses(aLauncherConfig({ REPLICAS: '2' }), DATABASE_URLS, SECRETS);

    for (const spec of specs) expect(spec.env.UV_THREADPOOL_SIZE, spec.name).toBe(spec.service === 'customer' ? '8' : undefined);
  });

  it('when BROKER_URL and service settings are set, then they reach every process, and nothing else of the parent does', () => {
    const config = aLauncherConfig({
      BROKER_URL: 'amqp://127.0.0.1',
      BROKER_NAMESPACE: 'bench_1',
      RATE_LIMIT_MAX: '5',
      PATH: '/bin',
      SECRET: 'x',
    });
    const specs = planProcesses(config, DATABASE_URLS, SECRETS);

    for (const spec of specs) {
      expect(spec.env).toMatchObject({ BROKER_URL: 'amqp://127.0.0.1', BROKER_NAMESPACE: 'bench_1', RATE_LIMIT_MAX: '5', PATH: '/bin' });
      expect(spec.env.SECRET).toBeUndefined();
    }
  });

  it('when REDIS_URL is set, then only the gateway gets it, with its metrics listener on loopback', () => {
    const specs = planProcesses(
      aLauncherConfig({ REDIS_URL: 'redis://:pw@127.0.0.1:6379', RATE_LIMIT_REDIS_PREFIX: 'e2e:', GATEWAY_METRICS_PORT: '9190' }),
      DATABASE_URLS,
      SECRETS,
    );

    for (const spec of specs) {
      if (spec.service === 'gateway') {
        expect(spec.env).toMatchObject({
          REDIS_URL: 'redis://:pw@127.0.0.1:6379',
          RATE_LIMIT_REDIS_PREFIX: 'e2e:',
          METRICS_PORT: '9190',
          METRICS_HOST: '127.0.0.1',
        });
      } else {
        expect(spec.env.REDIS_URL, spec.name).toBeUndefined();
        expect(spec.env.METRICS_PORT, spec.name).toBeUndefined();
      }
    }
  });

  it('when BROKER_URL is not set, then no process gets one', () => {
    const specs = planProcesses(aLauncherConfig({}), DATABASE_URLS, SECRETS);

    expect(specs.some((spec) => 'BROKER_URL' in spec.env)).toBe(false);
  });

  it('when DB_PREFIX is set, then database names carry it', () => {
    expect(databaseName(aLauncherConfig({ DB_PREFIX: 'ci_' }), 'order')).toBe('ci_order');
    expect(databaseName(aLauncherConfig({}), 'order')).toBe('order');
  });

  it('when ports are listed before start, then they match the plan, plus the gateway metrics listener', () => {
    const config = aLauncherConfig({ REPLICAS: '2', GATEWAY_METRICS_PORT: '9190' });

    expect(plannedPorts(config)).toEqual([
      ...planProcesses(config, DATABASE_URLS, SECRETS).map((spec) => ({ owner: spec.name, port: spec.port })),
      { owner: 'gateway metrics', port: 9190 },
    ]);
  });

  it('when --observe is given, then the Prometheus port is checked before start too', () => {
    const config = aLauncherConfig({ PROMETHEUS_PORT: '9195' }, ['--observe']);

    expect(plannedPorts(config).at(-1)).toEqual({ owner: 'prometheus', port: 9195 });
    expect(plannedPorts(aLauncherConfig({})).map((entry) => entry.owner)).not.toContain('prometheus');
  });
});
