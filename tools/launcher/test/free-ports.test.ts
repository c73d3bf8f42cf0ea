import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isPortFree, pickFreePortBlock, toPortEnv, type PortPlan } from '../src/free-ports.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const occupy = async (port: number): Promise<void> => {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
};

/** What the launcher binds for a plan: replica i of a service on its port + 10·i. */
const portsOf = (plan: PortPlan, replicas: number): number[] => [
  plan.gateway,
  plan.gatewayMetrics,
  plan.postgres,
  plan.prometheus,
  ...(['customer', 'order', 'account', 'orchestrator'] as const).flatMap((name) =>
    Array.from({ length: replicas }, (_, i) => plan[name] + 10 * i),
  ),
];

/** A random source for pickFreePortBlock that yields the given bases in turn (+0.5: floor must not round one down). */
const basesInTurn = (...bases: number[]): (() => number) => {
  let call = 0;
  return () => ((bases[Math.min(call++, bases.length - 1)] ?? 20_000) - 20_000 + 0.5) / 12_000;
};

describe('pickFreePortBlock', () => {
  it('when asked for three replicas, then every port of the plan, replica ports included, is free and below 32768', async () => {
    const plan = await pickFreePortBlock(3);
    const ports = portsOf(plan, 3);

    const base = plan.gateway;
    expect(plan).toEqual({
      gateway: base,
      customer: base + 1,
      order: base + 2,
      account: base + 3,
      orchestrator: base + 4,
      postgres: base + 5,
      gatewayMetrics: base + 6,
      prometheus: base + 7,
    });
    expect(base).toBeGreaterThanOrEqual(20_000);
    expect(Math.max(...ports)).toBeLessThan(32_768);
    expect(await Promise.all(ports.map(isPortFree))).toEqual(ports.map(() => true));
  });

  it('when a replica port of the first block tried is taken, then that block is passed over', async () => {
    const first = await pickFreePortBlock(2);
    const taken = first.order + 10;
    let second = await pickFreePortBlock(2);
    while (portsOf(second, 2).includes(taken)) second = await pickFreePortBlock(2);
    await occupy(taken);

    const plan = await pickFreePortBlock(2, basesInTurn(first.gateway, second.gateway));

    expect(await isPortFree(taken)).toBe(false);
    expect(plan.gateway).toBe(second.gateway);
  });
});

describe('toPortEnv', () => {
  it('when given a plan, then it names each port by the variable the launcher reads', () => {
    const plan = {
      gateway: 20_000,
      customer: 20_001,
      order: 20_002,
      account: 20_003,
      orchestrator: 20_004,
      postgres: 20_005,
      gatewayMetrics: 20_006,
      prometheus: 20_007,
    };

    expect(toPortEnv(plan)).toEqual({
      GATEWAY_PORT: '20000',
      CUSTOMER_PORT: '20001',
      ORDER_PORT: '20002',
      ACCOUNT_PORT: '20003',
      ORCHESTRATOR_PORT: '20004',
      PGPORT_EMBEDDED: '20005',
      GATEWAY_METRICS_PORT: '20006',
      PROMETHEUS_PORT: '20007',
    });
  });
});
