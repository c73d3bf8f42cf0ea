import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { createTokenVerifier, TOKEN_AUDIENCE, TOKEN_ISSUER, type Role, type TokenVerifier } from '@ordering/platform';

export interface TestTokens {
  /** Verifies exactly like production, against this issuer's public key. */
  verifier: TokenVerifier;
  jwks: { keys: JWK[] };
  issue(options?: { customerId?: string; role?: Role; expiresInSeconds?: number }): Promise<string>;
}

/** A real ES256 signer for service tests, so auth paths are exercised with genuine signatures. */
export const createTestTokens = async (): Promise<TestTokens> => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
  const jwks = { keys: [publicJwk] };
  return {
    jwks,
    verifier: createTokenVerifier(createLocalJWKSet(jwks)),
    issue: async ({ customerId = randomUUID(), role = 'customer', expiresInSeconds = 600 } = {}) =>
      new SignJWT({ role })
        .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
        .setSubject(customerId)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
        .sign(privateKey),
  };
};

/** Token forgeries every service must refuse with 401. */
export const forgeTokens = async (valid: string): Promise<Record<'tampered' | 'algNone' | 'garbage', string>> => {
  const [header, payload, signature] = valid.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const elevated = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
  const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  return {
    tampered: `${header}.${elevated}.${signature}`,
    algNone: `${noneHeader}.${payload}.`,
    garbage: 'not-a-jwt',
  };
};
