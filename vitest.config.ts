import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the "development" condition.
const conditions = ['development'];

export default defineConfig({
    ssr: { resolve: { externalConditions: conditions } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 90_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit-and-service',
          include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'tools/*/test/**/*.test.ts', 'tests/tracing/**/*.test.ts'],
          globalSetup: ['tools/testing/src/postgres-global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          // The system suites start real process trees; running them one at a time keeps a 2-core machine sane.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
