import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../src/security/signing-key.js';
import { decodeEncryptionKey, openSealedJwk, SealedKeyError, sealJwk, type SealedJwk } from '../src/security/signing-key-sealing.js';
import { anEncryptionKey } from './builders.js';

/** The same bytes with the first bit flipped, still base64url. */
const flipped = (member: string): string => {
  const bytes = Buffer.from(member, 'base64url');
  bytes.writeUInt8(bytes.readUInt8(0) ^ 1, 0);
  return bytes.toString('base64url');
};

describe('sealing a private signing key with SIGNING_KEY_ENCRYPTION_KEY', () => {
  const encryptionKey = anEncryptionKey();
  const slot = { generation: 1, kid: 'kid-of-generation-1' };
  let privateJwk: JWK;
  let sealed: SealedJwk;

  beforeAll(async () => {
    privateJwk = (await generateSigningKey(slot.generation)).privateJwk;
    sealed = sealJwk(privateJwk, encryptionKey, slot);
  });

  it('when a key is sealed and opened with the same encryption key and slot, then the JWK comes back whole', () => {
    expect(openSealedJwk(sealed, encryptionKey, slot)).toEqual(privateJwk);
  });

  it('when a key is sealed, then the tagged value holds neither the private scalar nor any JWK member', () => {
    expect(Object.keys(sealed).sort()).toEqual(['ciphertext', 'iv', 'sealed', 'tag']);
    expect(sealed.sealed).toBe('A256GCM');
    expect(Buffer.from(sealed.iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64url')).toHaveLength(16);
    expect(JSON.stringify(sealed)).not.toContain(String(privateJwk.d));
  });

  it('when the same key is sealed twice, then each seal has its own IV and ciphertext', () => {
    const again = sealJwk(privateJwk, encryptionKey, slot);

    expect(again.iv).not.toBe(sealed.iv);
    expect(again.ciphertext).not.toBe(sealed.ciphertext);
  });

  it('when it is opened with another encryption key, then it does not open', () => {
    expect(() => openSealedJwk(sealed, anEncryptionKey(), slot)).toThrow(SealedKeyError);
  });

  it.each(['ciphertext', 'tag', 'iv'] as const)('when its %s is altered, then it does not open', (member) => {
    expect(() => openSealedJwk({ ...sealed, [member]: flipped(sealed[member]) }, encryptionKey, slot)).toThrow(SealedKeyError);
  });

  it('when its tag is cut short or a member is missing, then it does not open', () => {
    expect(() => openSealedJwk({ ...sealed, tag: sealed.tag.slice(0, 8) }, encryptionKey, slot)).toThrow(SealedKeyError);
    expect(() => openSealedJwk({ ...sealed, ciphertext: '' }, encryptionKey, slot)).toThrow(SealedKeyError);
  });

  it('when a sealed key is moved to another kid or generation, then it does not open there', () => {
    expect(() => openSealedJwk(sealed, encryptionKey, { ...slot, kid: 'kid-of-another-key' })).toThrow(SealedKeyError);
    expect(() => openSealedJwk(sealed, encryptionKey, { ...slot, generation: 2 })).toThrow(SealedKeyError);
  });
});

describe('decoding SIGNING_KEY_ENCRYPTION_KEY', () => {
  const bytes = randomBytes(32);

  it('when it is 32 bytes in base64 (padded or not) or base64url, then it decodes to those bytes', () => {
    for (const encoded of [bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url')]) {
      expect(decodeEncryptionKey(encoded)?.export()).toEqual(bytes);
    }
  });

  it('when it is not base64 of exactly 32 bytes, then it is refused', () => {
    for (const encoded of [
      randomBytes(31).toString('base64url'),
      randomBytes(33).toString('base64url'),
      bytes.toString('hex'),
      `${bytes.toString('base64url')}\n`,
      '',
    ]) {
      expect(decodeEncryptionKey(encoded), encoded).toBeUndefined();
    }
  });
});
