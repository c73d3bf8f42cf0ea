import { MESSAGING_MIGRATIONS } from '@ordering/messaging';
import { describeServiceMigrations, migrationsBeforePackages, packageTableRows, sqlOf } from '@ordering/testing';
import { SERVICE_MIGRATIONS } from '../src/db/migrations.js';

describeServiceMigrations({
  service: 'order',
  sets: SERVICE_MIGRATIONS,
  migrationsBefore: async () =>
    migrationsBeforePackages(SERVICE_MIGRATIONS.at(-1)!, { '0002_messaging_tables': [await sqlOf(MESSAGING_MIGRATIONS)] }),
  seed: [
    `insert into orders (id, customer_id, status, total) values (gen_random_uuid(), gen_random_uuid(), 'PENDING', 980)`,
    packageTableRows.outboxMessage,
    packageTableRows.inboxMessage,
  ],
});
