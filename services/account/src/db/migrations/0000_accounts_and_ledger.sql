CREATE TABLE "accounts" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL,
	"currency" text DEFAULT 'JPY' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_balance_non_negative" CHECK ("accounts"."balance" >= 0),
	CONSTRAINT "accounts_currency_jpy" CHECK ("accounts"."currency" = 'JPY')
);
--> statement-breakpoint
-- idempotency_keys was created here; since ADR 23 it comes from @ordering/platform's migrations (PLATFORM_MIGRATIONS).
CREATE TABLE "ledger_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"amount" bigint NOT NULL,
	"balance_after" bigint NOT NULL,
	"order_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_kind_known" CHECK ("ledger_entries"."kind" in ('DEPOSIT', 'DEBIT', 'REFUND')),
	CONSTRAINT "ledger_entries_amount_positive" CHECK ("ledger_entries"."amount" > 0),
	CONSTRAINT "ledger_entries_balance_after_non_negative" CHECK ("ledger_entries"."balance_after" >= 0)
);
--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_customer_id_accounts_customer_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."accounts"("customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_entries_customer_recent_idx" ON "ledger_entries" USING btree ("customer_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);