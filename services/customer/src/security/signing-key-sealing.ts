import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/** The one scheme so far; the tag also tells a sealed value from a plain JWK, which never has a `sealed` member. */
export const SEALING_SCHEME = 'A256GCM';

/** A private JWK encrypted with SIGNING_KEY_ENCRYPTION_KEY, as it rests in `signing_keys.private_jwk` (base64url members). */
export interface SealedJwk {
  sealed: typeof SEALING_SCHEME;
  iv: string;
  ciphertext: string;
  tag: string;
}

/** The row a sealed key belongs to: authenticated with it, so a sealed key copied into another row does not open. */
export interface SealedKeySlot {
  generation: number;
  kid: string;
}

/** A sealed value that does not open: another key-encryption key, or a value altered or moved at rest. */
export class SealedKeyError extends Error {
  constructor() {
    super('the sealed signing key does not open with this key-encryption key');
    this.name = 'SealedKeyError';
  }
}

const CIPHER = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64_OR_BASE64URL = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * SIGNING_KEY_ENCRYPTION_KEY as a KeyObject, or undefined unless it is base64 or base64url of exactly 32 bytes.
 * A KeyObject rather than a Buffer: logging or serialising it by mistake shows no key material.
 */
export const decodeEncryptionKey = (encoded: string): KeyObject | undefined => {
  if (!BASE64_OR_BASE64URL.test(encoded)) return undefined;
  // Node's base64 decoder reads the base64url alphabet too.
  const bytes = Buffer.from(encoded, 'base64');
  return bytes.length === KEY_BYTES ? createSecretKey(bytes) : undefined;
};

export const isSealedJwk = (value: JWK | SealedJwk): value is SealedJwk => 'sealed' in value;

const additionalDataOf = ({ generation, kid }: SealedKeySlot): Buffer =>
  Buffer.from(JSON.stringify({ column: 'signing_keys.private_jwk', generation, kid }));

/** Encrypts the JWK under a fresh random IV; the slot is authenticated, not encrypted. */
export const sealJwk = (jwk: JWK, encryptionKey: KeyObject, slot: SealedKeySlot): SealedJwk => {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER, encryptionKey, iv, { authTagLength: TAG_BYTES }).setAAD(additionalDataOf(slot));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return {
    sealed: SEALING_SCHEME,
    iv: iv.toString('base64url'),
    ciphertext: ciphertext.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
  };
};

const decodeMember = (value: unknown, bytes?: number): Buffer => {
  const decoded = typeof value === 'string' ? Buffer.from(value, 'base64url') : Buffer.alloc(0);
  if (decoded.length === 0 || (bytes !== undefined && decoded.length !== bytes)) throw new SealedKeyError();
  return decoded;
};

const decrypt = (sealed: SealedJwk, encryptionKey: KeyObject, slot: SealedKeySlot): string => {
  if (sealed.sealed !== SEALING_SCHEME) throw new SealedKeyError();
  const decipher = createDecipheriv(CIPHER, encryptionKey, decodeMember(sealed.iv, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalDataOf(slot)).setAuthTag(decodeMember(sealed.tag, TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(decodeMember(sealed.ciphertext)), decipher.final()]).toString('utf8');
  } catch {
    // GCM's authentication failure: say nothing more specific than "does not open".
    throw new SealedKeyError();
  }
};

/** The JWK inside, or SealedKeyError for another key, another slot, or any altered member. */
export const openSealedJwk = (sealed: SealedJwk, encryptionKey: KeyObject, slot: SealedKeySlot): JWK => {
  const jwk: unknown = JSON.parse(decrypt(sealed, encryptionKey, slot));
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new SealedKeyError();
  return jwk as JWK;
};
