import { createServer } from 'node:net';
import { DEFAULT_PORTS, replicaPort } from '@ordering/contracts';
import { portVariable, SERVICE_NAMES, type ServiceName } from './launcher-config.js';

/** Where a launcher's processes will listen: eight ports, so a test or bench system never collides with `npm start`. */
export interface PortPlan extends Readonly<Record<ServiceName, number>> {
  readonly gateway: number;
  /** The gateway's `/metrics` listener. */
  readonly gatewayMetrics: number;
  /** The embedded PostgreSQL (unused on an external server). */
  readonly postgres: number;
  /** Prometheus, with `--observe` (unused without). */
  readonly prometheus: number;
}

/**
 * Below Linux's ephemeral range (32768+): the outgoing connections of this machine never sit on a port that a killed
 * process must bind again when the launcher restarts it.
 */
const BLOCK_BASE_MIN = 20_000;
const BLOCK_BASE_SPAN = 12_000;
const BLOCK_ATTEMPTS = 50;

export const isPortFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

/** Any free port (the OS picks), for a helper such as nginx that starts right away. */
export const anyFreePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/** The services keep their default layout (gateway, then each service at its offset from the gateway's port). */
const SERVICE_SPAN = Math.max(...Object.values(DEFAULT_PORTS)) - DEFAULT_PORTS.gateway + 1;

const planFrom = (base: number): PortPlan => ({
  gateway: base,
  ...(Object.fromEntries(SERVICE_NAMES.map((name) => [name, base + DEFAULT_PORTS[name] - DEFAULT_PORTS.gateway])) as Record<
    ServiceName,
    number
  >),
  postgres: base + SERVICE_SPAN,
  gatewayMetrics: base + SERVICE_SPAN + 1,
  prometheus: base + SERVICE_SPAN + 2,
});

/** Every port the launcher will bind for `plan`: replica i of a service listens on its port + REPLICA_PORT_STEP·i. */
const portsOf = (plan: PortPlan, replicas: number): number[] => [
  plan.gateway,
  plan.gatewayMetrics,
  plan.postgres,
  plan.prometheus,
  ...SERVICE_NAMES.flatMap((name) => Array.from({ length: replicas }, (_, i) => replicaPort(plan[name], i))),
];

/**
 * Eight consecutive ports (gateway, the services of the system map, the embedded PostgreSQL, the gateway's metrics, Prometheus) from a
 * random base in 20000-32000, checked free together with every replica port. `random` is a test hook.
 */
export const pickFreePortBlock = async (replicas: number, random: () => number = Math.random): Promise<PortPlan> => {
  for (let attempt = 0; attempt < BLOCK_ATTEMPTS; attempt += 1) {
    const plan = planFrom(BLOCK_BASE_MIN + Math.floor(random() * BLOCK_BASE_SPAN));
    const free = await Promise.all(portsOf(plan, replicas).map(isPortFree));
    if (free.every(Boolean)) return plan;
  }
  throw new Error(
    `could not find a block of free ports in ${BLOCK_BASE_MIN}-${BLOCK_BASE_MIN + BLOCK_BASE_SPAN} after ${BLOCK_ATTEMPTS} attempts`,
  );
};

/** The launcher's environment for `plan`. */
export const toPortEnv = (plan: PortPlan): Record<string, string> => ({
  GATEWAY_PORT: String(plan.gateway),
  ...Object.fromEntries(SERVICE_NAMES.map((name) => [portVariable(name), String(plan[name])])),
  PGPORT_EMBEDDED: String(plan.postgres),
  GATEWAY_METRICS_PORT: String(plan.gatewayMetrics),
  PROMETHEUS_PORT: String(plan.prometheus),
});

/**
 * A service that cannot bind crash-loops, and another program answering /readyz on its port would make the launcher
 * believe it ready. Better to refuse up front, naming the port and its owner.
 */
export const assertPortsFree = async (ports: ReadonlyArray<{ owner: string; port: number }>): Promise<void> => {
  const taken = [];
  for (const entry of ports) if (!(await isPortFree(entry.port))) taken.push(entry);
  if (taken.length === 0) return;
  throw new Error(
    `port(s) already in use: ${taken.map(({ owner, port }) => `${port} (${owner})`).join(', ')}; ` +
      'stop what uses them (another launcher?) or choose other ports (GATEWAY_PORT, GATEWAY_METRICS_PORT, CUSTOMER_PORT, …, PGPORT_EMBEDDED)',
  );
};
