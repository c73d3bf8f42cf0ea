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

/**
 * Every public route, explicitly. Anything not listed (including every service's `/internal/*`, `/.well-known/*`
 * and `/metrics`) is a 404 at the edge, before any token is looked at. Role rules belong to the services; the edge
 * only duplicates the admin one, so a customer token never even reaches the admin listing.
 */
export const ROUTE_TABLE: readonly GatewayRoute[] = [
  { method: 'POST', url: '/api/customers', upstream: 'customer', access: 'public' },
  { method: 'POST', url: '/api/auth/token', upstream: 'customer', access: 'public' },
  { method: 'GET', url: '/api/customers/me', upstream: 'customer', access: 'authenticated' },

  { method: 'GET', url: '/api/menu', upstream: 'order', access: 'public' },
  { method: 'GET', url: '/api/orders', upstream: 'order', access: 'authenticated' },
  { method: 'GET', url: '/api/orders/:id', upstream: 'order', access: 'authenticated' },

  { method: 'GET', url: '/api/accounts/me', upstream: 'account', access: 'authenticated' },
  { method: 'POST', url: '/api/accounts/me/deposits', upstream: 'account', access: 'authenticated' },
  { method: 'GET', url: '/api/accounts/me/entries', upstream: 'account', access: 'authenticated' },

  { method: 'POST', url: '/api/checkout', upstream: 'orchestrator', access: 'authenticated' },
  { method: 'GET', url: '/api/checkout/:sagaId', upstream: 'orchestrator', access: 'authenticated' },
  { method: 'POST', url: '/api/orders/:id/cancel', upstream: 'orchestrator', access: 'authenticated' },
  { method: 'GET', url: '/api/admin/sagas', upstream: 'orchestrator', access: { roles: ['admin'] } },
];
