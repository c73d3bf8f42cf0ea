import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { isUuid } from '../db/uuid.js';
import { AppError, unauthenticated } from '../errors/app-error.js';
import { ROLES, TOKEN_ALGORITHMS, TOKEN_AUDIENCE, TOKEN_ISSUER, type Principal, type Role } from './principal.js';

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as string[]).includes(value);

/** A key set we cannot reach is our outage, not the caller's bad token: answer 503, not 401. */
const isKeySetUnavailable = (error: unknown): boolean =>
  error instanceof errors.JWKSTimeout ||
  (error instanceof TypeError && /fetch/i.test(error.message)) ||
  (error instanceof errors.JOSEError && error.code === 'ERR_JWKS_INVALID');

/** Verifies signature, algorithm (never `none`), issuer, audience, expiry and claim shapes. */
export const createTokenVerifier = (getKey: JWTVerifyGetKey): TokenVerifier => ({
  async verify(token) {
    try {
      const { payload } = await jwtVerify(token, getKey, {
        algorithms: TOKEN_ALGORITHMS,
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'exp'],
      });
      const role = payload['role'];
      if (!payload.sub || !isUuid(payload.sub) || !isRole(role)) throw unauthenticated('The token claims are invalid');
      return { customerId: payload.sub.toLowerCase(), role };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (isKeySetUnavailable(error)) {
        throw new AppError('UPSTREAM_UNAVAILABLE', 503, { detail: 'Token keys are unavailable', cause: error });
      }
      throw unauthenticated('The bearer token is invalid or expired');
    }
  },
});

/** Keys are fetched once and cached; an unknown kid triggers at most one refetch per cooldown. */
export const createJwksTokenVerifier = (jwksUrl: string): TokenVerifier =>
  createTokenVerifier(
    createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 3000, cooldownDuration: 30_000, cacheMaxAge: 600_000 }),
  );
