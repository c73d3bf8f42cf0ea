import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { isUuid } from '../db/uuid.js';
import { AppError, unauthenticated } from '../errors/app-error.js';
import { ROLES, TOKEN_ALGORITHMS, TOKEN_AUDIENCE, TOKEN_ISSUER, type Principal, type Role } from './principal.js';
import { createVerifiedTokenCache, type TokenCacheOptions } from './verified-token-cache.js';

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

export interface TokenVerifierOptions {
  /** Verified tokens are remembered (default: 60 s at most, 10 000 tokens); `false` checks every signature. */
  cache?: TokenCacheOptions | false;
}

const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as string[]).includes(value);

/** A key set we cannot reach is our outage, not the caller's bad token: answer 503, not 401. */
const isKeySetUnavailable = (error: unknown): boolean =>
  error instanceof errors.JWKSTimeout ||
  (error instanceof TypeError && /fetch/i.test(error.message)) ||
  (error instanceof errors.JOSEError && error.code === 'ERR_JWKS_INVALID');

interface VerifiedToken {
  principal: Principal;
  expiresAtMs: number;
}

/** Verifies signature, algorithm (never `none`), issuer, audience, expiry and claim shapes. */
const verifySignedToken = async (token: string, getKey: JWTVerifyGetKey, now: Date): Promise<VerifiedToken> => {
  try {
    const { payload } = await jwtVerify(token, getKey, {
      algorithms: TOKEN_ALGORITHMS,
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      requiredClaims: ['sub', 'exp'],
      currentDate: now,
    });
    const role = payload['role'];
    if (!payload.sub || !isUuid(payload.sub) || !isRole(role)) throw unauthenticated('The token claims are invalid');
    // `exp` is required above, so it is a number of seconds here.
    return { principal: { customerId: payload.sub.toLowerCase(), role }, expiresAtMs: (payload.exp as number) * 1000 };
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (isKeySetUnavailable(error)) {
      throw new AppError('UPSTREAM_UNAVAILABLE', 503, { detail: 'Token keys are unavailable', cause: error });
    }
    throw unauthenticated('The bearer token is invalid or expired');
  }
};

/**
 * A client presents the same token on every request until it expires; an ES256 check costs more CPU than the rest of a
 * request at the gateway, so a verified token is remembered (see verified-token-cache.ts for what that still refuses).
 */
export const createTokenVerifier = (getKey: JWTVerifyGetKey, options: TokenVerifierOptions = {}): TokenVerifier => {
  const cacheOptions = options.cache === false ? undefined : (options.cache ?? {});
  const now = cacheOptions?.now ?? Date.now;
  const cache = cacheOptions && createVerifiedTokenCache(cacheOptions);
  return {
    async verify(token) {
      const cached = cache?.find(token);
      if (cached) return cached;
      const verified = await verifySignedToken(token, getKey, new Date(now()));
      cache?.remember(token, verified.principal, verified.expiresAtMs);
      return verified.principal;
    },
  };
};

/** Keys are fetched once and cached; an unknown kid triggers at most one refetch per cooldown. */
export const createJwksTokenVerifier = (jwksUrl: string, options: TokenVerifierOptions = {}): TokenVerifier =>
  createTokenVerifier(
    createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 3000, cooldownDuration: 30_000, cacheMaxAge: 600_000 }),
    options,
  );
