import { messageFlows } from '@ordering/contracts';
import { authenticate, type TokenVerifier } from '@ordering/platform';
import type { FastifyInstance } from 'fastify';
import type { Dispatcher } from 'undici';
import { UPSTREAM_NAMES, type UpstreamName } from '../domain/upstreams.js';
import { ROUTE_TABLE } from './route-table.js';
import { createSystemSampler, type SampledReplica, type SampledSystem } from './system-sampler.js';
import { SystemViewSchema, type ReplicaView, type SystemView } from './system-schemas.js';
import type { UpstreamPool } from './upstream-pool.js';

export const SYSTEM_PATH = '/api/admin/system';

export interface SystemRoutesOptions {
  pools: Readonly<Record<UpstreamName, UpstreamPool>>;
  client: Dispatcher;
  verifier: TokenVerifier;
}

const iso = (at: number): string => new Date(at).toISOString();

const presentReplica = ({ url, latest, messagesPerSecond, throughput }: SampledReplica): ReplicaView => ({
  url,
  ready: latest.ready,
  outboxBacklog: latest.outboxBacklog,
  deadLetters: latest.deadLetters,
  messagesPerSecond,
  throughput: throughput.map((point) => ({ at: iso(point.at), messagesPerSecond: point.messagesPerSecond })),
  error: latest.error,
});

/** The public routes the gateway forwards, counted per upstream: the edges of the system map from the gateway. */
const routesPerUpstream = (): SystemView['routes'] =>
  UPSTREAM_NAMES.map((name) => ({ from: 'gateway', to: name, routes: ROUTE_TABLE.filter((route) => route.upstream === name).length }));

const presentSystem = (sampled: SampledSystem): SystemView => ({
  sampledAt: iso(sampled.sampledAt),
  services: sampled.services.map(({ name, replicas }) => ({ name, replicas: replicas.map(presentReplica) })),
  flows: messageFlows().map(({ type, from, to }) => ({ type, from, to })),
  routes: routesPerUpstream(),
});

/** `GET /api/admin/system`: the gateway's own view of every replica behind it, for admins (checked here, at the edge). */
export const registerSystemRoutes = (scope: FastifyInstance, options: SystemRoutesOptions): void => {
  const sampler = createSystemSampler({
    upstreams: UPSTREAM_NAMES.map((name) => ({ name, replicas: options.pools[name].replicas })),
    client: options.client,
  });
  scope.addHook('onClose', async () => sampler.stop());
  scope.get(
    SYSTEM_PATH,
    { onRequest: authenticate(options.verifier, ['admin']), schema: { response: { 200: SystemViewSchema } } },
    async () => presentSystem(await sampler.view()),
  );
};
