import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

export const SIGNING_ALGORITHM = 'ES256';

/** A key pair as stored: JWKs, so every replica can import the same key. */
export interface StoredSigningKey {
  generation: number;
  kid: string;
  alg: string;
  privateJwk: JWK;
  publicJwk: JWK;
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
