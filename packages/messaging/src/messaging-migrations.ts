import { packageMigrations } from '@ordering/platform';

/** Creates the outbox, inbox, attempts and dead-letter tables: a service that sends or receives messages migrates it. */
export const MESSAGING_MIGRATIONS = packageMigrations('messaging', new URL('../migrations', import.meta.url));
