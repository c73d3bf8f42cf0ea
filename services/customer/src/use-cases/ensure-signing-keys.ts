import type { KeyObject } from 'node:crypto';
import { ConfigError, type Logger } from '@ordering/platform';
import type { CustomerDatabase } from '../db/customer-database.js';
import { insertSigningKeyUnlessSlotTaken, listSigningKeys, sealSigningKeyIfPlain } from '../db/signing-key-repository.js';
import { generateSigningKey, type SigningKeyAtRest, type StoredSigningKey } from '../security/signing-key.js';
import { isSealedJwk, openSealedJwk, SealedKeyError, sealJwk } from '../security/signing-key-sealing.js';

export interface SigningKeyOptions {
  /** SIGNING_KEY_ENCRYPTION_KEY: set, private keys rest sealed with it; unset, they rest plain. */
  encryptionKey?: KeyObject | undefined;
  /** Hears that keys were sealed, or the warning that they rest unencrypted. */
  logger?: Logger;
}

type SigningKeys = [StoredSigningKey, ...StoredSigningKey[]];

const FIRST_GENERATION = 1;

// Stored keys that do not open are a configuration problem: main.ts stops on them as on a bad variable (exit 78).
const ENCRYPTION_KEY_MISSING =
  'the signing key in the database is sealed, but SIGNING_KEY_ENCRYPTION_KEY is not set: set the key it was sealed with';
const ENCRYPTION_KEY_WRONG =
  'the signing key in the database was sealed with another SIGNING_KEY_ENCRYPTION_KEY: set the key it was sealed with';

const isPlain = (key: SigningKeyAtRest): key is StoredSigningKey => !isSealedJwk(key.privateJwk);

const toRest = (key: StoredSigningKey, encryptionKey: KeyObject | undefined): SigningKeyAtRest =>
  encryptionKey === undefined ? key : { ...key, privateJwk: sealJwk(key.privateJwk, encryptionKey, key) };

const openKey = (key: SigningKeyAtRest, encryptionKey: KeyObject | undefined): StoredSigningKey => {
  const { privateJwk } = key;
  if (!isSealedJwk(privateJwk)) return { ...key, privateJwk };
  if (encryptionKey === undefined) throw new ConfigError([ENCRYPTION_KEY_MISSING]);
  try {
    return { ...key, privateJwk: openSealedJwk(privateJwk, encryptionKey, key) };
  } catch (error) {
    throw error instanceof SealedKeyError ? new ConfigError([ENCRYPTION_KEY_WRONG]) : error;
  }
};

/**
 * Replicas starting together may each generate a key; the fixed first slot lets exactly one insert win, and all of
 * them then read back that winner.
 */
const listOrCreateKeys = async (database: CustomerDatabase, encryptionKey: KeyObject | undefined): Promise<SigningKeyAtRest[]> => {
  const existing = await listSigningKeys(database.db);
  if (existing.length > 0) return existing;
  await insertSigningKeyUnlessSlotTaken(database.db, toRest(await generateSigningKey(FIRST_GENERATION), encryptionKey));
  return listSigningKeys(database.db);
};

/** Seals, in place, the keys stored before there was an encryption key; returns the generations this replica sealed. */
const sealPlainKeys = async (database: CustomerDatabase, keys: SigningKeyAtRest[], encryptionKey: KeyObject): Promise<number[]> => {
  const sealed: number[] = [];
  for (const key of keys.filter(isPlain)) {
    if (await sealSigningKeyIfPlain(database.db, key, sealJwk(key.privateJwk, encryptionKey, key))) sealed.push(key.generation);
  }
  return sealed;
};

/** With an encryption key, no key stays plain; the rows are read again so every replica opens what was stored. */
const sealedKeys = async (
  database: CustomerDatabase,
  keys: SigningKeyAtRest[],
  encryptionKey: KeyObject,
  logger: Logger | undefined,
): Promise<SigningKeyAtRest[]> => {
  if (!keys.some(isPlain)) return keys;
  const generations = await sealPlainKeys(database, keys, encryptionKey);
  if (generations.length > 0) logger?.info({ generations }, 'sealed the stored signing keys with SIGNING_KEY_ENCRYPTION_KEY');
  return listSigningKeys(database.db);
};

/**
 * Every replica must sign with the same key, so the key lives in the database and is generated only once; its
 * private half rests sealed with SIGNING_KEY_ENCRYPTION_KEY when one is set (ADR 14). Returns every stored key,
 * opened, newest (the signing key) first; throws a ConfigError when a sealed key cannot be opened.
 */
export const ensureSigningKeys = async (
  database: CustomerDatabase,
  { encryptionKey, logger }: SigningKeyOptions = {},
): Promise<SigningKeys> => {
  const stored = await listOrCreateKeys(database, encryptionKey);
  const atRest = encryptionKey === undefined ? stored : await sealedKeys(database, stored, encryptionKey, logger);
  const keys = atRest.map((key) => openKey(key, encryptionKey));
  if (keys.length === 0) throw new Error('no signing key after inserting one');
  if (encryptionKey === undefined)
    logger?.warn('the token signing key is stored unencrypted in the database: set SIGNING_KEY_ENCRYPTION_KEY for anything shared');
  return keys as SigningKeys;
};
