import { createServer } from 'node:net';

const isPortFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
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
      'stop what uses them (another launcher?) or choose other ports (GATEWAY_PORT, CUSTOMER_PORT, …, PGPORT_EMBEDDED)',
  );
};
