import { and, desc, eq, sql } from 'drizzle-orm';
import type { SigningKeyAtRest } from '../security/signing-key.js';
import type { SealedJwk } from '../security/signing-key-sealing.js';
import { signingKeys } from './schema.js';
import type { CustomerExecutor } from './customer-database.js';

/** Newest first: the first key signs, all of them verify. */
export const listSigningKeys = async (executor: CustomerExecutor): Promise<SigningKeyAtRest[]> =>
  executor
    .select({
      generation: signingKeys.generation,
      kid: signingKeys.kid,
      alg: signingKeys.alg,
      privateJwk: signingKeys.privateJwk,
      publicJwk: signingKeys.publicJwk,
    })
    .from(signingKeys)
    .orderBy(desc(signingKeys.generation));

/** Claims the key's generation slot; when another replica got there first, its key stays and ours is dropped. */
export const insertSigningKeyUnlessSlotTaken = (executor: CustomerExecutor, key: SigningKeyAtRest): Promise<unknown> =>
  executor.insert(signingKeys).values(key).onConflictDoNothing({ target: signingKeys.generation });

/**
 * Replaces a plain private key by its sealed form only while it is still plain: of replicas sealing the same row at
 * once, the first update wins and the others' re-check (after its commit) finds nothing to do. True when this one sealed it.
 */
export const sealSigningKeyIfPlain = async (
  executor: CustomerExecutor,
  key: { generation: number; kid: string },
  sealed: SealedJwk,
): Promise<boolean> => {
  const updated = await executor
    .update(signingKeys)
    .set({ privateJwk: sealed })
    .where(
      and(eq(signingKeys.generation, key.generation), eq(signingKeys.kid, key.kid), sql`${signingKeys.privateJwk} ->> 'sealed' is null`),
    )
    .returning({ generation: signingKeys.generation });
  return updated.length > 0;
};
