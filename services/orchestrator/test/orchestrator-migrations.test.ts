import { describeServiceMigrations, packageTableRows } from '@ordering/testing';
import { SERVICE_MIGRATIONS } from '../src/db/migrations.js';
import { orchestratorMigrationsBeforePackages } from './fixtures/migrations-before-packages.js';

describeServiceMigrations({
  service: 'orchestrator',
  sets: SERVICE_MIGRATIONS,
  migrationsBefore: orchestratorMigrationsBeforePackages,
  seed: [packageTableRows.idempotencyKey, packageTableRows.saga, packageTableRows.outboxMessage, packageTableRows.deadLetter],
});
