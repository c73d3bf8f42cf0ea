import { serviceMigrations, type MigrationSet } from '@ordering/platform';
import { MESSAGING_MIGRATIONS } from '@ordering/messaging';

/** The package sets this service's code uses, then its own (ADR 23); main.ts and the tests migrate exactly these. */
export const SERVICE_MIGRATIONS: readonly MigrationSet[] = [
  MESSAGING_MIGRATIONS,
  // Resolves to src/db/migrations both from src/db (tsx) and from dist/db (compiled): images ship src/db/migrations.
  serviceMigrations('customer', new URL('../../src/db/migrations', import.meta.url)),
];
