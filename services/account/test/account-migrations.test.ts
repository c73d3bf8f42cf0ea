import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MESSAGING_MIGRATIONS } from '@ordering/messaging';
import { PLATFORM_MIGRATIONS } from '@ordering/platform';
import { describeServiceMigrations, migrationsBeforePackages, packageTableRows, sqlOf } from '@ordering/testing';
import { SERVICE_MIGRATIONS } from '../src/db/migrations.js';

const own = SERVICE_MIGRATIONS.at(-1)!;

describeServiceMigrations({
  service: 'account',
  sets: SERVICE_MIGRATIONS,
  // 0000 created idempotency_keys next to the accounts and the ledger; 0002 the messaging tables.
  migrationsBefore: async () =>
    migrationsBeforePackages(own, {
      '0000_accounts_and_ledger': [
        await readFile(join(own.folder, '0000_accounts_and_ledger.sql'), 'utf8'),
        await sqlOf(PLATFORM_MIGRATIONS),
      ],
      '0002_messaging_tables': [await sqlOf(MESSAGING_MIGRATIONS)],
    }),
  seed: [
    `insert into accounts (customer_id, balance) values (gen_random_uuid(), 1000)`,
    packageTableRows.idempotencyKey,
    packageTableRows.inboxMessage,
    packageTableRows.outboxMessage,
  ],
});
