import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { forbidden, unauthenticated } from '../errors/app-error.js';
import type { Principal, Role } from './principal.js';
import type { TokenVerifier } from './token-verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*\.[A-Za-z0-9\-_]*)$/;

export const extractBearerToken = (header: string | undefined): string | undefined => BEARER.exec(header ?? '')?.[1];

/**
 * Every service verifies the token itself (defence in depth): a header set only by the gateway is never trusted.
 * Runs as an onRequest hook so an unauthenticated caller is refused before its body is even read.
 */
export const authenticate =
  (verifier: TokenVerifier, roles: readonly Role[] = ['customer', 'admin']): onRequestAsyncHookHandler =>
  async (request) => {
    const token = extractBearerToken(request.headers.authorization);
    if (!token) throw unauthenticated();
    const principal = await verifier.verify(token);
    if (!roles.includes(principal.role)) throw forbidden();
    request.principal = principal;
  };

/** Handlers behind `authenticate` always have a principal; this states it once instead of `!` everywhere. */
export const principalOf = (request: FastifyRequest): Principal => {
  if (!request.principal) throw unauthenticated();
  return request.principal;
};
