import type { CustomerDatabase } from '../db/customer-database.js';
import { insertSigningKeyUnlessSlotTaken, listSigningKeys } from '../db/signing-key-repository.js';
import { generateSigningKey, type StoredSigningKey } from '../security/signing-key.js';

const FIRST_GENERATION = 1;

/**
 * Every replica must sign with the same key, so the key lives in the database and is generated only once.
 * Replicas starting together may each generate one; the fixed first slot lets exactly one insert win, and all of
 * them then read back that winner. Returns every stored key, newest (the signing key) first.
 */
export const ensureSigningKeys = async (database: CustomerDatabase): Promise<[StoredSigningKey, ...StoredSigningKey[]]> => {
  const existing = await listSigningKeys(database.db);
  if (existing.length > 0) return existing as [StoredSigningKey, ...StoredSigningKey[]];
  await insertSigningKeyUnlessSlotTaken(database.db, await generateSigningKey(FIRST_GENERATION));
  const stored = await listSigningKeys(database.db);
  if (stored.length === 0) throw new Error('no signing key after inserting one');
  return stored as [StoredSigningKey, ...StoredSigningKey[]];
};
