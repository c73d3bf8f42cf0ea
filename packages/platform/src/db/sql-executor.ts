import type { NodePgDatabase } from 'drizzle-orm/node-postgres';

/**
 * What a query function runs on: a Drizzle database over node-postgres or a transaction on it, so the function
 * takes part in its caller's transaction. Without a schema it fits any service's database (packages' own tables).
 */
export type SqlExecutor<TSchema extends Record<string, unknown> = Record<string, never>> = Pick<
  NodePgDatabase<TSchema>,
  'insert' | 'select' | 'update' | 'delete' | 'execute'
>;

/** The open transaction that `db.transaction(work)` hands to `work`: an executor that is inside one commit. */
export type Transaction<TSchema extends Record<string, unknown> = Record<string, never>> = Parameters<
  Parameters<NodePgDatabase<TSchema>['transaction']>[0]
>[0];
