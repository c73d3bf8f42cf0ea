import { describe, expect, it } from 'vitest';
import { databaseName, planProcesses, plannedPorts } from '../src/service-plan.js';
import { aLauncherConfig } from './builders.js';

const DATABASE_URLS = {
  customer: 'postgres://u:p@127.0.0.1:54329/customer',
  order: 'postgres://u:p@127.0.0.1:54329/order',
  account: 'postgres://u:p@127.0.0.1:54329/account',
  orchestrator: 'postgres://u:p@127.0.0.1:54329/orchestrator',
};

const SECRETS = { internalToken: 'Kx9_-'.repeat(7), signingKeyEncryptionKey: 'K'.repeat(43) };

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

  it('when planned, then every service replica gets the internal token and the gateway does not', () => {
    const specs = planProcesses(aLauncherConfig({ REPLICAS: '2' }), DATABASE_URLS, SECRETS);

    for (const spec of specs) expect(spec.env.INTERNAL_TOKEN, spec.name).toBe(spec.service === 'gateway' ? undefined : SECRETS.internalToken);
  });

  it('when planned, then every customer replica gets the signing key encryption key and no other process does', () => {
    const specs = planProcesses(aLauncherConfig({ REPLICAS: '2' }), DATABASE_URLS, SECRETS);

    for (const spec of specs) {
      expect(spec.env.SIGNING_KEY_ENCRYPTION_KEY, spec.name).toBe(spec.service === 'customer' ? SECRETS.signingKeyEncryptionKey : undefined);
    }
  });

  it("when planned, then every customer replica sizes libuv's pool for its password hashes and no other process does", () => {
    const specs = planProcesses(aLauncherConfig({ REPLICAS: '2' }), DATABASE_URLS, SECRETS);

    for (const spec of specs) expect(spec.env.UV_THREADPOOL_SIZE, spec.name).toBe(spec.service === 'customer' ? '8' : undefined);
  });

  it('when BROKER_URL and service settings are set, then they reach every process, and nothing else of the parent does', () => {
    const config = aLauncherConfig({ BROKER_URL: 'amqp://127.0.0.1', BROKER_NAMESPACE: 'bench_1', RATE_LIMIT_MAX: '5', PATH: '/bin', SECRET: 'x' });
    const specs = planProcesses(config, DATABASE_URLS, SECRETS);

    for (const spec of specs) {
      expect(spec.env).toMatchObject({ BROKER_URL: 'amqp://127.0.0.1', BROKER_NAMESPACE: 'bench_1', RATE_LIMIT_MAX: '5', PATH: '/bin' });
      expect(spec.env.SECRET).toBeUndefined();
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

  it('when ports are listed before start, then they match the plan', () => {
    const config = aLauncherConfig({ REPLICAS: '2' });

    expect(plannedPorts(config)).toEqual(planProcesses(config, DATABASE_URLS, SECRETS).map((spec) => ({ owner: spec.name, port: spec.port })));
  });
});
