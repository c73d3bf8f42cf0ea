import { MESSAGING_MIGRATIONS } from '@ordering/messaging';
import { describeServiceMigrations, migrationsBeforePackages, packageTableRows, sqlOf } from '@ordering/testing';
import { SERVICE_MIGRATIONS } from '../src/db/migrations.js';

describeServiceMigrations({
  service: 'customer',
  sets: SERVICE_MIGRATIONS,
  migrationsBefore: async () =>
    migrationsBeforePackages(SERVICE_MIGRATIONS.at(-1)!, { '0001_messaging_tables': [await sqlOf(MESSAGING_MIGRATIONS)] }),
  seed: [
    `insert into customers (id, name, email, password_hash) values (gen_random_uuid(), 'Aiko', 'aiko@example.com', 'hash')`,
    packageTableRows.outboxMessage,
    packageTableRows.deadLetter,
  ],
});
