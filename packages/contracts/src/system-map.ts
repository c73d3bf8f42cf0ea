import { MESSAGE_CATALOG, receiversOf } from './message-catalog.js';

/**
 * One map of the system: its processes, where each listens by default, which public routes the gateway sends to
 * which service, and who sends which message to whom. The gateway, the platform's peer settings, the launcher, the
 * bench, the CI rules and the end-to-end support read it; nothing else writes the service list out again.
 */

/** The services behind the gateway: each has its own database, messaging and replicas, in start order. */
export const BACKEND_SERVICES = ['customer', 'order', 'account', 'orchestrator'] as const;
export type BackendService = (typeof BACKEND_SERVICES)[number];

/** Every HTTP process of the system: the backend services, then the single public edge. */
export const SYSTEM_SERVICES = [...BACKEND_SERVICES, 'gateway'] as const;
export type SystemService = (typeof SYSTEM_SERVICES)[number];

/** Default ports on one machine (`npm start`); containers and clusters use the same ones. */
export const DEFAULT_PORTS = {
  gateway: 8080,
  customer: 8081,
  order: 8082,
  account: 8083,
  orchestrator: 8084,
} as const satisfies Record<SystemService, number>;

/** The gateway's separate `/metrics` listener: its public port never serves metrics. */
export const GATEWAY_METRICS_PORT = 9090;

/** Replica i of a service listens on its port + REPLICA_PORT_STEP·i. */
export const REPLICA_PORT_STEP = 10;

export const replicaPort = (port: number, replica: number): number => port + REPLICA_PORT_STEP * replica;

/** The variable that holds a backend service's replica origins, e.g. `ORDER_URL=http://a:8082,http://b:8082`. */
export const peerUrlVariable = (service: BackendService): `${Uppercase<BackendService>}_URL` =>
  `${service.toUpperCase() as Uppercase<BackendService>}_URL`;

export interface PublicRoute {
  readonly method: 'GET' | 'POST';
  /** A find-my-way path template, as the public API documents it. */
  readonly url: string;
  readonly upstream: BackendService;
}

/** The path under which a service serves its own dead letters to admins (both transports), through the gateway. */
export const deadLetterAdminPath = <S extends BackendService>(service: S) => `/api/admin/${service}/dead-letters` as const;

/** Each service holds only its own dead letters, so each answers for them at a path of its own. */
const deadLetterAdminRoutes = <S extends BackendService>(service: S) =>
  [
    { method: 'GET', url: deadLetterAdminPath(service), upstream: service },
    { method: 'GET', url: `${deadLetterAdminPath(service)}/:transport/:id`, upstream: service },
    { method: 'POST', url: `${deadLetterAdminPath(service)}/:transport/:id/replay`, upstream: service },
  ] as const;

/**
 * Every public route and the service that serves it. The gateway adds who may pass the edge (its route table); a
 * route missing here is a 404 at the edge.
 */
export const PUBLIC_ROUTES = [
  { method: 'POST', url: '/api/customers', upstream: 'customer' },
  { method: 'POST', url: '/api/auth/token', upstream: 'customer' },
  { method: 'GET', url: '/api/customers/me', upstream: 'customer' },

  { method: 'GET', url: '/api/menu', upstream: 'order' },
  { method: 'GET', url: '/api/orders', upstream: 'order' },
  { method: 'GET', url: '/api/orders/:id', upstream: 'order' },

  { method: 'GET', url: '/api/accounts/me', upstream: 'account' },
  { method: 'POST', url: '/api/accounts/me/deposits', upstream: 'account' },
  { method: 'GET', url: '/api/accounts/me/entries', upstream: 'account' },

  { method: 'POST', url: '/api/checkout', upstream: 'orchestrator' },
  { method: 'GET', url: '/api/checkout/:sagaId', upstream: 'orchestrator' },
  { method: 'POST', url: '/api/orders/:id/cancel', upstream: 'orchestrator' },
  { method: 'GET', url: '/api/admin/sagas', upstream: 'orchestrator' },
  { method: 'GET', url: '/api/admin/sagas/counts', upstream: 'orchestrator' },
  { method: 'GET', url: '/api/admin/sagas/:sagaId', upstream: 'orchestrator' },
  { method: 'POST', url: '/api/admin/sagas/:sagaId/repairs', upstream: 'orchestrator' },

  ...deadLetterAdminRoutes('customer'),
  ...deadLetterAdminRoutes('order'),
  ...deadLetterAdminRoutes('account'),
  ...deadLetterAdminRoutes('orchestrator'),
] as const satisfies readonly PublicRoute[];

/** `POST /api/checkout`: the key by which the gateway states each route's edge access. */
export type PublicRouteKey = RouteKeyOf<(typeof PUBLIC_ROUTES)[number]>;
type RouteKeyOf<R> = R extends { method: infer M extends string; url: infer U extends string } ? `${M} ${U}` : never;

export const publicRouteKey = (route: PublicRoute): PublicRouteKey => `${route.method} ${route.url}` as PublicRouteKey;

export interface MessageFlow {
  readonly type: string;
  readonly from: string;
  readonly to: string;
}

/**
 * Who sends which message to whom, derived from the message catalog (its owners, senders and subscribers), never
 * written out again: one flow per sender and receiver of each type.
 */
export const messageFlows = (): MessageFlow[] =>
  Object.values(MESSAGE_CATALOG).flatMap((contract) =>
    contract.senders.flatMap((from) => receiversOf(contract).map((to) => ({ type: contract.type, from, to }))),
  );
