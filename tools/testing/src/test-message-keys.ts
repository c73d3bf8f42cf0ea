import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

/** Every service that signs messages; tests may name others (an attacker's key) through `testSigningKeyOf`. */
const SIGNERS = ['customer', 'order', 'account', 'orchestrator'] as const;

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
