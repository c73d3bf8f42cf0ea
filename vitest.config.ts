import { configDefaults, defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the "development" condition.
const conditions = ['development'];

/** Test files that need no database. */
const STATIC_CHECKS = [
  'tools/ci/test/**/*.test.ts',
  'tools/observability/test/**/*.test.ts',
  'tools/containers/test/**/*.test.ts',
  'packages/contracts/test/**/*.test.ts',
  // The console's pure parts (envelope parsing, graph layout, formatting): no DOM, no database.
  'services/gateway/console/test/**/*.test.ts',
];

export default defineConfig({
  ssr: { resolve: { externalConditions: conditions } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 90_000,
    projects: [
      {
        extends: true,
        test: {
          // Files, manifests and configs checked without PostgreSQL: these run without the global setup, and .ci/run
          // runs them once, not again in its pass against the system PostgreSQL and RabbitMQ.
          name: 'static-checks',
          include: STATIC_CHECKS,
        },
      },
      {
        extends: true,
        test: {
          name: 'unit-and-service',
          include: [
            'packages/*/test/**/*.test.ts',
            'services/*/test/**/*.test.ts',
            'tools/*/test/**/*.test.ts',
            'tests/tracing/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, ...STATIC_CHECKS],
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
