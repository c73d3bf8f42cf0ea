import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { BACKEND_SERVICES } from '@ordering/contracts';

/** Every service that signs messages; tests may name others (an attacker's key) through `testSigningKeyOf`. */
const SIGNERS = BACKEND_SERVICES;

const keyPairs = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();

/** One Ed25519 key pair per name for this test process, made on first use. */
const keyPairOf = (name: string): { privateKey: KeyObject; publicKey: KeyObject } => {
  let pair = keyPairs.get(name);
  if (!pair) {
    pair = generateKeyPairSync('ed25519');
    keyPairs.set(name, pair);
  }
  return pair;
};

export const testSigningKeyOf = (name: string): KeyObject => keyPairOf(name).privateKey;

/** The public keys of every service, as `MESSAGE_PUBLIC_KEYS` gives them to each one. */
export const testPublicKeys = (): ReadonlyMap<string, KeyObject> => new Map(SIGNERS.map((name) => [name, keyPairOf(name).publicKey]));

/** One operator token for the test process. */
export const TEST_OPERATOR_TOKEN = randomBytes(32).toString('base64url');

/**
 * What a service's config gives its messaging in production (messaging's MessageSecurity, by shape): its own signing
 * key, every service's public key and the operator token; nothing tolerated as in development mode.
 */
export const testMessageSecurity = (service: string) => ({
  signingKey: testSigningKeyOf(service),
  publicKeys: testPublicKeys(),
  operatorToken: TEST_OPERATOR_TOKEN,
  unsafeDevelopmentMode: false,
});

/**
 * What a deployment gives `service` in its environment, as its config reads it: its own key (base64 PKCS#8 DER),
 * every service's public key (`name=<base64 SPKI DER>,...`) and the operator token.
 */
export const testMessageSecurityEnv = (
  service: string,
): { MESSAGE_SIGNING_KEY: string; MESSAGE_PUBLIC_KEYS: string; OPERATOR_TOKEN: string } => ({
  MESSAGE_SIGNING_KEY: testSigningKeyOf(service).export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  MESSAGE_PUBLIC_KEYS: [...testPublicKeys()]
    .map(([name, key]) => `${name}=${key.export({ format: 'der', type: 'spki' }).toString('base64')}`)
    .join(','),
  OPERATOR_TOKEN: TEST_OPERATOR_TOKEN,
});
