import { extractBearerToken, forbidden, unauthenticated, type TokenVerifier } from '@ordering/platform';
import type { FastifyRequest, onRequestAsyncHookHandler, preParsingAsyncHookHandler } from 'fastify';
import type { EdgeAccess } from './route-table.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Why the presented token was refused, kept until the route's access rule is enforced. */
    tokenRejection?: unknown;
  }
}

/**
 * Edge authentication is split in two hooks so the rate limiter can run in between: it needs to know who the
 * caller is (the token subject, when the token is valid), yet must also count the callers that will be refused,
 * so that a flood of bad tokens is throttled by IP like any other anonymous traffic.
 *
 * This one verifies the bearer token, if any, and remembers the outcome without refusing anything yet.
 */
export const identifyCaller =
  (verifier: TokenVerifier): onRequestAsyncHookHandler =>
  async (request) => {
    const token = extractBearerToken(request.headers.authorization);
    if (!token) return;
    try {
      request.principal = await verifier.verify(token);
    } catch (error) {
      request.tokenRejection = error;
    }
  };

/** Enforces the route's access rule before the body is read: 401 without a valid token, 403 for a wrong role. */
export const requireAccess =
  (access: Exclude<EdgeAccess, 'public'>): preParsingAsyncHookHandler =>
  async (request: FastifyRequest) => {
    if (request.tokenRejection) throw request.tokenRejection;
    if (!request.principal) throw unauthenticated();
    if (access !== 'authenticated' && !access.roles.includes(request.principal.role)) throw forbidden();
  };
