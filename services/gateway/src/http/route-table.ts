import { PUBLIC_ROUTES, publicRouteKey, type PublicRouteKey } from '@ordering/contracts';
import type { Role } from '@ordering/platform';
import type { UpstreamName } from '../domain/upstreams.js';

/** Who may pass the edge: anyone, any valid token, or a valid token with one of these roles. */
export type EdgeAccess = 'public' | 'authenticated' | { roles: readonly Role[] };

export interface GatewayRoute {
  method: 'GET' | 'POST';
  /** A find-my-way path template; the client's path is forwarded unchanged, never rebuilt from it. */
  url: string;
  upstream: UpstreamName;
  access: EdgeAccess;
}

const ADMINS_ONLY: EdgeAccess = { roles: ['admin'] };

/**
 * Who may pass the edge on each public route of the system map. Anything not in the map (including every service's
 * `/internal/*`, `/.well-known/*` and `/metrics`) is a 404 at the edge, before any token is looked at. Role rules
 * belong to the services; the edge only duplicates the admin one, so a customer token never even reaches the admin
 * listing. A route added to the map does not compile until it is given its access here.
 */
const EDGE_ACCESS: Readonly<Record<PublicRouteKey, EdgeAccess>> = {
  'POST /api/customers': 'public',
  'POST /api/auth/token': 'public',
  'GET /api/customers/me': 'authenticated',

  'GET /api/menu': 'public',
  'GET /api/orders': 'authenticated',
  'GET /api/orders/:id': 'authenticated',

  'GET /api/accounts/me': 'authenticated',
  'POST /api/accounts/me/deposits': 'authenticated',
  'GET /api/accounts/me/entries': 'authenticated',

  'POST /api/checkout': 'authenticated',
  'GET /api/checkout/:sagaId': 'authenticated',
  'POST /api/orders/:id/cancel': 'authenticated',
  'GET /api/admin/sagas': ADMINS_ONLY,
  'GET /api/admin/sagas/counts': ADMINS_ONLY,
  'GET /api/admin/sagas/:sagaId': ADMINS_ONLY,
  'POST /api/admin/sagas/:sagaId/repairs': ADMINS_ONLY,

  'GET /api/admin/customer/dead-letters': ADMINS_ONLY,
  'GET /api/admin/customer/dead-letters/:transport/:id': ADMINS_ONLY,
  'POST /api/admin/customer/dead-letters/:transport/:id/replay': ADMINS_ONLY,
  'GET /api/admin/order/dead-letters': ADMINS_ONLY,
  'GET /api/admin/order/dead-letters/:transport/:id': ADMINS_ONLY,
  'POST /api/admin/order/dead-letters/:transport/:id/replay': ADMINS_ONLY,
  'GET /api/admin/account/dead-letters': ADMINS_ONLY,
  'GET /api/admin/account/dead-letters/:transport/:id': ADMINS_ONLY,
  'POST /api/admin/account/dead-letters/:transport/:id/replay': ADMINS_ONLY,
  'GET /api/admin/orchestrator/dead-letters': ADMINS_ONLY,
  'GET /api/admin/orchestrator/dead-letters/:transport/:id': ADMINS_ONLY,
  'POST /api/admin/orchestrator/dead-letters/:transport/:id/replay': ADMINS_ONLY,
};

/** Every public route, explicitly: the system map's route and upstream, with the edge's access rule. */
export const ROUTE_TABLE: readonly GatewayRoute[] = PUBLIC_ROUTES.map((route) => ({
  ...route,
  access: EDGE_ACCESS[publicRouteKey(route)],
}));
