import { fileURLToPath } from 'node:url';

// Resolves to src/db/migrations both from src/db (tsx) and from dist/db (compiled): images ship src/db/migrations.
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../src/db/migrations', import.meta.url));
