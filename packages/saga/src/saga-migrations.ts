import { packageMigrations } from '@ordering/platform';

/** Creates the saga tables; a service that runs sagas migrates it after MESSAGING_MIGRATIONS (commands go through the outbox). */
export const SAGA_MIGRATIONS = packageMigrations('saga', new URL('../migrations', import.meta.url));
