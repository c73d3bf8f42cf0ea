import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import { AppError } from '@ordering/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SharedRateLimitStore, SharedStoreSettings } from './shared-rate-limit-store.js';

export interface RateLimitSettings {
  max: number;
  windowSeconds: number;
  /** Set (production): the counts live in Redis, shared by every gateway replica. Unset: in this process. */
  sharedStore?: SharedStoreSettings | undefined;
}

/**
 * A verified token's subject when the route checked one, otherwise the connecting address (IPv4-mapped addresses
 * as IPv4, IPv6 by /64, as the plugin does by default, since one client usually owns a whole /64).
 */
const clientKey = (request: FastifyRequest): string =>
  request.principal ? `subject:${request.principal.customerId}` : `ip:${normalizeIP(request.ip)}`;

/**
 * Limits every route registered after it in the given scope (fixed window). With a shared store, every gateway
 * replica counts in the same Redis keys, so N replicas still allow the limit once; when that store fails, the request
 * is served uncounted (skipOnError: fail open, see shared-rate-limit-store.ts). Without one, the counts are this
 * process's own (right for a single gateway). Runs as an onRequest hook queued after the route's own onRequest
 * hooks, so the caller is identified first.
 */
export const registerRateLimiting = async (
  scope: FastifyInstance,
  settings: RateLimitSettings,
  store: SharedRateLimitStore | undefined,
): Promise<void> => {
  await scope.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    max: settings.max,
    timeWindow: settings.windowSeconds * 1000,
    keyGenerator: clientKey,
    ...(store ? { redis: store.client, nameSpace: store.keyPrefix, skipOnError: true, onExceeding: () => store.noteAllowedRequest() } : {}),
    errorResponseBuilder: (_request, context) => {
      const retryAfterSeconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new AppError('RATE_LIMITED', 429, {
        detail: `Rate limit exceeded, retry in ${retryAfterSeconds} s`,
        headers: { 'retry-after': String(retryAfterSeconds) },
      });
    },
  });
};
