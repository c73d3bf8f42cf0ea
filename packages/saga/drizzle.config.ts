import { defineConfig } from 'drizzle-kit';

// The saga package's own tables; services migrate them from ./migrations (ADR 23). Run from the repository root:
// NODE_OPTIONS=--conditions=development npx drizzle-kit generate --config packages/saga/drizzle.config.ts
// The paths are relative to the root: drizzle-kit 0.31 breaks absolute ones once a snapshot exists.
export default defineConfig({
  dialect: 'postgresql',
  schema: './packages/saga/src/saga-schema.ts',
  out: './packages/saga/migrations',
  casing: 'snake_case',
});
