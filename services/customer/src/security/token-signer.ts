import { createTokenVerifier, TOKEN_AUDIENCE, TOKEN_ISSUER, type TokenVerifier } from '@ordering/platform';
import { createLocalJWKSet, importJWK, SignJWT, type JWK } from 'jose';
import type { CustomerRole } from '../domain/customer.js';
import type { StoredSigningKey } from './signing-key.js';

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: string;
  use: string;
}

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface TokenSigner {
  /** The key that signs new tokens. */
  readonly kid: string;
  /** Every stored key's public half, so tokens signed before a rotation still verify. */
  readonly jwks: { keys: PublicJwk[] };
  sign(subject: { customerId: string; role: CustomerRole }): Promise<IssuedToken>;
}

/** Copies only the public members by name, so a private `d` can never slip into the key set. */
const publicPart = (key: StoredSigningKey): PublicJwk => {
  const jwk: JWK = key.publicJwk;
  return { kty: String(jwk.kty), crv: String(jwk.crv), x: String(jwk.x), y: String(jwk.y), kid: key.kid, alg: key.alg, use: 'sig' };
};

export const createTokenSigner = async (
  keys: readonly [StoredSigningKey, ...StoredSigningKey[]],
  ttlSeconds: number,
): Promise<TokenSigner> => {
  const [current] = keys;
  const privateKey = await importJWK(current.privateJwk, current.alg);
  return {
    kid: current.kid,
    jwks: { keys: keys.map(publicPart) },
    async sign({ customerId, role }) {
      const now = Math.floor(Date.now() / 1000);
      const accessToken = await new SignJWT({ role })
        .setProtectedHeader({ alg: current.alg, kid: current.kid, typ: 'JWT' })
        .setSubject(customerId)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(privateKey);
      return { accessToken, tokenType: 'Bearer', expiresIn: ttlSeconds };
    },
  };
};

/** This service checks its own tokens against its own stored keys, without an HTTP round trip to itself. */
export const createLocalTokenVerifier = (jwks: { keys: PublicJwk[] }): TokenVerifier =>
  createTokenVerifier(createLocalJWKSet(jwks as { keys: JWK[] }));
