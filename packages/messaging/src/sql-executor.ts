import type { NodePgDatabase } from 'drizzle-orm/node-postgres';

/** Any Drizzle database or transaction over node-postgres, whatever its schema. */
export type SqlExecutor = Pick<NodePgDatabase<Record<string, never>>, 'insert' | 'select' | 'update' | 'delete' | 'execute'>;
