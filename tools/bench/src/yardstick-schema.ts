/**
 * The yardstick's scratch tables: the order service's orders/order_items/menu_items and the account service's
 * accounts/ledger_entries, with the same columns, checks, keys and indexes (see services/{order,account}/src/db/
 * migrations), side by side in one database, as a monolith would have them.
 */

export const FOOD_ID = '5ef814a2-8284-440c-b8c1-913283d014db';
export const DRINK_ID = '81b5e28b-b98a-4cb8-9cda-3528f343be40';

export const YARDSTICK_SCHEMA = `
CREATE TABLE menu_items (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind in ('food', 'drink')),
  price bigint NOT NULL CHECK (price > 0),
  currency text NOT NULL DEFAULT 'JPY' CHECK (currency = 'JPY'),
  available boolean NOT NULL DEFAULT true
);
CREATE TABLE orders (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  status text NOT NULL CHECK (status in ('PENDING', 'APPROVED', 'REJECTED', 'CANCEL_PENDING', 'CANCELLED')),
  reason text,
  total bigint NOT NULL CHECK (total > 0),
  currency text NOT NULL DEFAULT 'JPY' CHECK (currency = 'JPY'),
  created_at timestamp(3) with time zone NOT NULL DEFAULT now(),
  updated_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE TABLE order_items (
  order_id uuid NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  line_no integer NOT NULL,
  menu_item_id uuid NOT NULL REFERENCES menu_items(id),
  name text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price bigint NOT NULL CHECK (unit_price > 0),
  subtotal bigint NOT NULL CHECK (subtotal = unit_price * quantity),
  PRIMARY KEY (order_id, line_no)
);
CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at DESC, id DESC);
CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC);
CREATE INDEX orders_status_idx ON orders (status);
CREATE TABLE accounts (
  customer_id uuid PRIMARY KEY,
  balance bigint NOT NULL DEFAULT 0 CHECK (balance >= 0),
  currency text NOT NULL DEFAULT 'JPY' CHECK (currency = 'JPY'),
  created_at timestamp(3) with time zone NOT NULL DEFAULT now(),
  updated_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE TABLE ledger_entries (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL REFERENCES accounts(customer_id),
  kind text NOT NULL CHECK (kind in ('DEPOSIT', 'DEBIT', 'REFUND')),
  amount bigint NOT NULL CHECK (amount > 0),
  balance_after bigint NOT NULL CHECK (balance_after >= 0),
  order_id uuid,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_customer_recent_idx ON ledger_entries (customer_id, created_at DESC, id DESC);
CREATE UNIQUE INDEX ledger_entries_order_kind_key ON ledger_entries (order_id, kind) WHERE order_id IS NOT NULL;
INSERT INTO menu_items (id, name, kind, price) VALUES
  ('${FOOD_ID}', 'Shoyu ramen', 'food', 980),
  ('${DRINK_ID}', 'Green tea', 'drink', 180);
`;

/** Customer n's id, computable inside a pgbench script as well. */
export const customerIdSql = (n: string): string => `('00000000-0000-4000-8000-' || lpad(${n}::text, 12, '0'))::uuid`;

/** Accounts so rich that the balance check always passes: the yardstick measures the happy path, like the load. */
export const seedAccountsSql = (customers: number): string =>
  `INSERT INTO accounts (customer_id, balance) SELECT ${customerIdSql('n')}, 1000000000000 FROM generate_series(1, ${customers}) AS n`;

/**
 * One checkout as one transaction (pgbench script, prepared statements): read the two menu prices, insert the
 * PENDING order and its two lines, debit with the balance check, write the ledger entry, approve.
 */
export const PGBENCH_SCRIPT = `\\set c random(1, :customers)
BEGIN;
SELECT gen_random_uuid() AS order_id, ${customerIdSql(':c')} AS customer_id \\gset
SELECT name AS food_name, price AS food_price FROM menu_items WHERE id = '${FOOD_ID}' AND available \\gset
SELECT name AS drink_name, price AS drink_price FROM menu_items WHERE id = '${DRINK_ID}' AND available \\gset
\\set total :food_price + :drink_price
INSERT INTO orders (id, customer_id, status, total) VALUES (:order_id, :customer_id, 'PENDING', :total);
INSERT INTO order_items (order_id, line_no, menu_item_id, name, quantity, unit_price, subtotal) VALUES (:order_id, 1, '${FOOD_ID}', :food_name, 1, :food_price, :food_price), (:order_id, 2, '${DRINK_ID}', :drink_name, 1, :drink_price, :drink_price);
UPDATE accounts SET balance = balance - :total, updated_at = now() WHERE customer_id = :customer_id AND balance >= :total RETURNING balance AS balance_after \\gset
INSERT INTO ledger_entries (id, customer_id, kind, amount, balance_after, order_id) VALUES (gen_random_uuid(), :customer_id, 'DEBIT', :total, :balance_after, :order_id);
UPDATE orders SET status = 'APPROVED', updated_at = now() WHERE id = :order_id AND status = 'PENDING';
COMMIT;
`;
