-- Idempotent on purpose (IF NOT EXISTS, guarded constraints): databases migrated before ADR 23 already have these
-- tables from their service's own migrations, and for them this migration only records itself in the package's journal.
CREATE TABLE IF NOT EXISTS "saga_commands" (
	"message_id" uuid PRIMARY KEY NOT NULL,
	"saga_id" uuid NOT NULL,
	"step_index" integer NOT NULL,
	"direction" text NOT NULL,
	"attempt" integer NOT NULL,
	"sent_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"trace_headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "saga_commands_direction_known" CHECK ("saga_commands"."direction" in ('FORWARD', 'COMPENSATION'))
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "saga_steps" (
	"saga_id" uuid NOT NULL,
	"step_index" integer NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"compensation_attempts" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "saga_steps_saga_id_step_index_pk" PRIMARY KEY("saga_id","step_index"),
	CONSTRAINT "saga_steps_status_known" CHECK ("saga_steps"."status" in ('PENDING', 'RUNNING', 'DONE', 'FAILED', 'COMPENSATED'))
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "sagas" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"current_step" integer NOT NULL,
	"data" jsonb NOT NULL,
	"reason" text,
	"version" integer NOT NULL,
	"step_attempt" integer NOT NULL,
	"deadline_at" timestamp (3) with time zone,
	"owner_id" text NOT NULL,
	"business_key" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (3) with time zone,
	CONSTRAINT "sagas_status_known" CHECK ("sagas"."status" in ('RUNNING', 'COMPENSATING', 'COMPLETED', 'ABORTED')),
	CONSTRAINT "sagas_current_step_non_negative" CHECK ("sagas"."current_step" >= 0)
);
--> statement-breakpoint
-- A database whose orchestrator stopped short of its last old saga migration (0003 to 0006) is brought to the
-- same shape here; on every other database these statements change nothing.
ALTER TABLE "saga_commands" ADD COLUMN IF NOT EXISTS "trace_headers" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
DROP INDEX IF EXISTS "sagas_due_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "sagas_customer_created_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "sagas_one_active_cancel_per_order";--> statement-breakpoint
DO $$ BEGIN
	IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'sagas' AND column_name = 'customer_id') THEN
		ALTER TABLE "sagas" RENAME COLUMN "customer_id" TO "owner_id";
		ALTER TABLE "sagas" RENAME COLUMN "order_id" TO "business_key";
		ALTER TABLE "sagas" ALTER COLUMN "owner_id" SET DATA TYPE text;
		ALTER TABLE "sagas" ALTER COLUMN "business_key" SET DATA TYPE text;
	END IF;
END $$;--> statement-breakpoint
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'saga_commands_saga_id_sagas_id_fk' AND conrelid = '"saga_commands"'::regclass) THEN
		ALTER TABLE "saga_commands" ADD CONSTRAINT "saga_commands_saga_id_sagas_id_fk" FOREIGN KEY ("saga_id") REFERENCES "public"."sagas"("id") ON DELETE cascade ON UPDATE no action;
	END IF;
END $$;--> statement-breakpoint
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'saga_steps_saga_id_sagas_id_fk' AND conrelid = '"saga_steps"'::regclass) THEN
		ALTER TABLE "saga_steps" ADD CONSTRAINT "saga_steps_saga_id_sagas_id_fk" FOREIGN KEY ("saga_id") REFERENCES "public"."sagas"("id") ON DELETE cascade ON UPDATE no action;
	END IF;
END $$;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "saga_commands_saga_idx" ON "saga_commands" USING btree ("saga_id");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "sagas_created_idx" ON "sagas" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "sagas_status_created_idx" ON "sagas" USING btree ("status","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "sagas_type_created_idx" ON "sagas" USING btree ("type","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "sagas_finished_idx" ON "sagas" USING btree ("finished_at") WHERE "sagas"."finished_at" is not null;
