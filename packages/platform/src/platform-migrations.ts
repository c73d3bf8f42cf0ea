import { packageMigrations } from './db/migration-sets.js';

/** The tables platform code uses (idempotency_keys): a service that honours Idempotency-Key migrates this set. */
export const PLATFORM_MIGRATIONS = packageMigrations('platform', new URL('../migrations', import.meta.url));
