import { fileURLToPath } from 'node:url';

/**
 * A folder of drizzle migrations and the journal table that records which of them a database has. Each owner of
 * tables (a package, a service) ships its own set; a service migrates the sets it uses, its own last.
 */
export interface MigrationSet {
  readonly name: string;
  readonly folder: string;
  /** Omitted: drizzle's default `drizzle.__drizzle_migrations`, which the services' own history is recorded in. */
  readonly journalTable?: string;
}

/**
 * A package's set, e.g. `packageMigrations('messaging', new URL('../migrations', import.meta.url))`: resolved
 * from the package's src/ (tsx) and dist/ (compiled) alike. Its journal is its own, so it never interleaves with
 * a service's history.
 */
export const packageMigrations = (name: string, folder: URL): MigrationSet => ({
  name,
  folder: fileURLToPath(folder),
  journalTable: `__drizzle_migrations_${name}`,
});

/** A service's own set; it keeps drizzle's default journal so existing databases keep their history. */
export const serviceMigrations = (name: string, folder: URL): MigrationSet => ({ name, folder: fileURLToPath(folder) });
