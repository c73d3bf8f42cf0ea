import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One service's message signing key (base64 PKCS#8 DER, its `MESSAGE_SIGNING_KEY`) and its public half (base64 SPKI DER). */
export interface MessageKeys {
  readonly signingKey: string;
  readonly publicKey: string;
}

/** `DATA_DIR/message-keys/<service>.key`: a private key per service, owner-only, like the other kept secrets. */
export const messageKeysPath = (dataDir: string, service: string): string => path.join(dataDir, 'message-keys', `${service}.key`);

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

export const readMessageSigningKey = (dataDir: string, service: string): string | undefined => {
  try {
    return readFileSync(messageKeysPath(dataDir, service), 'utf8').trim() || undefined;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
};

const publicKeyOf = (file: string, signingKey: string): string => {
  try {
    const key = createPrivateKey({ key: Buffer.from(signingKey, 'base64'), format: 'der', type: 'pkcs8' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType ?? 'unknown'} key`);
    return createPublicKey(key).export({ format: 'der', type: 'spki' }).toString('base64');
  } catch (error) {
    throw new Error(
      `${file} does not hold an Ed25519 private key (base64 PKCS#8 DER): delete it to have a new one generated (${(error as Error).message})`,
    );
  }
};

const generate = (file: string, service: string, log: (message: string) => void): string => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const signingKey = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  // `wx`: never overwrite a key another launcher just wrote; the mode is set before a byte of it is on disk.
  writeFileSync(file, `${signingKey}\n`, { mode: 0o600, flag: 'wx' });
  log(`generated ${service}'s message signing key in ${file}`);
  return signingKey;
};

/**
 * Each service's key pair, created on the first start and reused afterwards: a service's messages stay verifiable by
 * its peers across restarts, and every replica of a service signs with the same key.
 */
export const ensureMessageKeys = <S extends string>(
  dataDir: string,
  services: readonly S[],
  log: (message: string) => void,
): Record<S, MessageKeys> => {
  mkdirSync(path.join(dataDir, 'message-keys'), { recursive: true, mode: 0o700 });
  const entries = services.map((service) => {
    const file = messageKeysPath(dataDir, service);
    const signingKey = readMessageSigningKey(dataDir, service) ?? generate(file, service, log);
    // A copied or restored file may have come back readable by others.
    chmodSync(file, 0o600);
    return [service, { signingKey, publicKey: publicKeyOf(file, signingKey) }] as const;
  });
  return Object.fromEntries(entries) as Record<S, MessageKeys>;
};
