-- Idempotent on purpose (IF NOT EXISTS, guarded constraints): databases migrated before ADR 23 already have these
-- tables from their service's own migrations, and for them this migration only records itself in the package's journal.
CREATE TABLE IF NOT EXISTS "idempotency_keys" (
	"customer_id" uuid NOT NULL,
	"route" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status_code" integer,
	"response" jsonb,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_customer_id_route_key_pk" PRIMARY KEY("customer_id","route","key")
);
