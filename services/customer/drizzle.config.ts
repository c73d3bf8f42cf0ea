import { existsSync } from 'node:fs';
import { defineConfig } from 'drizzle-kit';

// drizzle-kit reads these paths from where it runs: this service's folder (npm run db:generate) or the repository root
// (npx drizzle-kit generate --config services/customer/drizzle.config.ts). They stay relative: drizzle-kit 0.31 breaks
// absolute ones once a snapshot exists.
const folder = existsSync('./src/db/schema.ts') ? '.' : './services/customer';

export default defineConfig({
  dialect: 'postgresql',
  schema: `${folder}/src/db/schema.ts`,
  out: `${folder}/src/db/migrations`,
  casing: 'snake_case',
});
