import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { JWK } from 'jose';
import type { CustomerRole } from '../domain/customer.js';
import type { ThrottleScope } from '../domain/login-throttle.js';
import type { SealedJwk } from '../security/signing-key-sealing.js';

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    // As the customer typed it; uniqueness and login go through lower(email).
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').$type<CustomerRole>().notNull().default('customer'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    // Race-safe uniqueness: concurrent registrations of the same address (in any case) cannot both commit.
    uniqueIndex('customers_email_lower_key').on(sql`lower(${table.email})`),
    check('customers_role_check', sql`${table.role} in ('customer', 'admin')`),
  ],
);

/**
 * Token signing keys, shared by every replica. `generation` is a fixed slot per key: replicas that start together
 * all try to insert generation 1 and exactly one wins, so they converge on one key. Rotation adds generation 2.
 * `private_jwk` holds the private JWK sealed with SIGNING_KEY_ENCRYPTION_KEY (`{"sealed":"A256GCM",…}`, ADR 14), or
 * the plain JWK when the service runs without one.
 */
export const signingKeys = pgTable('signing_keys', {
  generation: integer('generation').primaryKey(),
  kid: text('kid').notNull().unique(),
  alg: text('alg').notNull(),
  privateJwk: jsonb('private_jwk').$type<JWK | SealedJwk>().notNull(),
  publicJwk: jsonb('public_jwk').$type<JWK>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/**
 * Failed-login counts and locks, shared by every replica (domain/login-throttle.ts decides, this stores). `key` is
 * the SHA-256 of the account's comparison email (known or not, so rows reveal no addresses) or the client's address
 * (its /64 for IPv6). Rows whose count is forgotten and whose lock is over are pruned.
 */
export const loginThrottles = pgTable(
  'login_throttles',
  {
    scope: text('scope').$type<ThrottleScope>().notNull(),
    key: text('key').notNull(),
    failures: integer('failures').notNull(),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true, precision: 3 }).notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true, precision: 3 }),
  },
  (table) => [
    primaryKey({ columns: [table.scope, table.key] }),
    index('login_throttles_last_failure_idx').on(table.scope, table.lastFailureAt),
    check('login_throttles_scope_check', sql`${table.scope} in ('account', 'client')`),
  ],
);
