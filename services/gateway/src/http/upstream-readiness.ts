import type { ReadinessCheck } from '@ordering/platform';
import { request, type Dispatcher } from 'undici';
import type { UpstreamPool } from './upstream-pool.js';

const PROBE_TIMEOUT_MS = 1500;

const probe = async (client: Dispatcher, replica: string): Promise<void> => {
  const { statusCode, body } = await request(`${replica}/healthz`, {
    dispatcher: client,
    headersTimeout: PROBE_TIMEOUT_MS,
    bodyTimeout: PROBE_TIMEOUT_MS,
  });
  await body.dump();
  if (statusCode !== 200) throw new Error(`${replica} answered ${statusCode}`);
};

/** The gateway can serve an upstream's routes as long as one of its replicas is alive. */
export const upstreamReadiness = (pool: UpstreamPool, client: Dispatcher): ReadinessCheck => ({
  name: pool.name,
  check: async () => {
    try {
      await Promise.any(pool.replicas.map((replica) => probe(client, replica)));
    } catch {
      throw new Error(`no replica answered GET /healthz`);
    }
  },
});
