import { defineConfig } from 'drizzle-kit';

// The messaging package's own tables; services migrate them from ./migrations (ADR 23). Run from the repository root:
// NODE_OPTIONS=--conditions=development npx drizzle-kit generate --config packages/messaging/drizzle.config.ts
// The paths are relative to the root: drizzle-kit 0.31 breaks absolute ones once a snapshot exists.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./packages/messaging/src/inbox/consumer-schema.ts', './packages/messaging/src/outbox/outbox-schema.ts'],
  out: './packages/messaging/migrations',
  casing: 'snake_case',
});
