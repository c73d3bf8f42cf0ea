CREATE TABLE "account_operations" (
	"order_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"amount" bigint NOT NULL,
	"ledger_entry_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_operations_order_id_kind_pk" PRIMARY KEY("order_id","kind"),
	CONSTRAINT "account_operations_kind_known" CHECK ("account_operations"."kind" in ('DEBIT', 'REFUND')),
	CONSTRAINT "account_operations_outcome_known" CHECK ("account_operations"."outcome" in ('SUCCEEDED', 'FAILED', 'TOMBSTONE')),
	CONSTRAINT "account_operations_amount_non_negative" CHECK ("account_operations"."amount" >= 0),
	CONSTRAINT "account_operations_entry_iff_succeeded" CHECK (("account_operations"."outcome" = 'SUCCEEDED') = ("account_operations"."ledger_entry_id" is not null)),
	CONSTRAINT "account_operations_reason_iff_failed" CHECK (("account_operations"."outcome" = 'FAILED') = ("account_operations"."reason" is not null)),
	CONSTRAINT "account_operations_tombstone_is_a_refund" CHECK ("account_operations"."outcome" <> 'TOMBSTONE' or ("account_operations"."kind" = 'REFUND' and "account_operations"."amount" = 0))
);
--> statement-breakpoint
ALTER TABLE "account_operations" ADD CONSTRAINT "account_operations_customer_id_accounts_customer_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."accounts"("customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_operations" ADD CONSTRAINT "account_operations_ledger_entry_id_ledger_entries_id_fk" FOREIGN KEY ("ledger_entry_id") REFERENCES "public"."ledger_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_order_kind_key" ON "ledger_entries" USING btree ("order_id","kind") WHERE "ledger_entries"."order_id" is not null;