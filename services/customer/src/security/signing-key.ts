import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SealedJwk } from './signing-key-sealing.js';

export const SIGNING_ALGORITHM = 'ES256';

/** A key pair as JWKs, so every replica can import the same key; the private half opened, ready to sign. */
export interface StoredSigningKey {
  generation: number;
  kid: string;
  alg: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** A key pair as its row holds it: the private half sealed with SIGNING_KEY_ENCRYPTION_KEY, or plain without one. */
export interface SigningKeyAtRest extends Omit<StoredSigningKey, 'privateJwk'> {
  privateJwk: JWK | SealedJwk;
}

/** A fresh ES256 key pair; the kid is the public key's RFC 7638 thumbprint, so it names the key itself. */
export const generateSigningKey = async (generation: number): Promise<StoredSigningKey> => {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const publicPart = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicPart);
  const metadata = { kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  return {
    generation,
    kid,
    alg: SIGNING_ALGORITHM,
    privateJwk: { ...(await exportJWK(privateKey)), ...metadata },
    publicJwk: { ...publicPart, ...metadata },
  };
};
