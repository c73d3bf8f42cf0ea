import { createServer } from 'node:net';

/** Where the launcher's processes will listen: a block of free ports, so a bench never collides with `npm start`. */
export interface PortPlan {
  readonly gateway: number;
  readonly customer: number;
  readonly order: number;
  readonly account: number;
  readonly orchestrator: number;
  readonly postgres: number;
}

const REPLICA_PORT_STEP = 10;
const SERVICE_OFFSETS = { customer: 1, order: 2, account: 3, orchestrator: 4 } as const;

export const isPortFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** Any free port (the OS picks), for a helper such as nginx that starts right away. */
export const anyFreePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/**
 * Six ports from a random base (gateway, four services, embedded PostgreSQL), checked free together with every
 * replica port (+10·i). Below Linux's ephemeral range (32768+), so the bench's own outgoing connections never hold one.
 */
export const pickPortBlock = async (replicas: number): Promise<PortPlan> => {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const plan: PortPlan = { gateway: base, postgres: base + 5, ...Object.fromEntries(Object.entries(SERVICE_OFFSETS).map(([name, offset]) => [name, base + offset])) } as PortPlan;
    const wanted = [
      plan.gateway,
      plan.postgres,
      ...Object.keys(SERVICE_OFFSETS).flatMap((name) =>
        Array.from({ length: replicas }, (_, i) => plan[name as keyof typeof SERVICE_OFFSETS] + REPLICA_PORT_STEP * i),
      ),
    ];
    const free = await Promise.all(wanted.map(isPortFree));
    if (free.every(Boolean)) return plan;
  }
  throw new Error('could not find a block of free ports in 20000-32000 after 50 attempts');
};
