import { desc } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { StoredSigningKey } from '../security/signing-key.js';
import { signingKeys } from './schema.js';
import type * as schema from './schema.js';

type Executor = Pick<NodePgDatabase<typeof schema>, 'select' | 'insert'>;

/** Newest first: the first key signs, all of them verify. */
export const listSigningKeys = async (executor: Executor): Promise<StoredSigningKey[]> =>
  executor
    .select({ generation: signingKeys.generation, kid: signingKeys.kid, alg: signingKeys.alg, privateJwk: signingKeys.privateJwk, publicJwk: signingKeys.publicJwk })
    .from(signingKeys)
    .orderBy(desc(signingKeys.generation));

/** Claims the key's generation slot; when another replica got there first, its key stays and ours is dropped. */
export const insertSigningKeyUnlessSlotTaken = (executor: Executor, key: StoredSigningKey): Promise<unknown> =>
  executor.insert(signingKeys).values(key).onConflictDoNothing({ target: signingKeys.generation });
