-- Idempotent on purpose (IF NOT EXISTS, guarded constraints): databases migrated before ADR 23 already have these
-- tables from their service's own migrations, and for them this migration only records itself in the package's journal.
CREATE TABLE IF NOT EXISTS "dead_letters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"consumer" text NOT NULL,
	"message_id" uuid,
	"message_type" text,
	"message" jsonb NOT NULL,
	"error" text NOT NULL,
	"attempts" integer NOT NULL,
	"dead_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"replayed_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "inbox_messages" (
	"consumer" text NOT NULL,
	"message_id" uuid NOT NULL,
	"message_type" text NOT NULL,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_messages_consumer_message_id_pk" PRIMARY KEY("consumer","message_id")
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "message_attempts" (
	"consumer" text NOT NULL,
	"message_id" uuid NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_attempts_consumer_message_id_pk" PRIMARY KEY("consumer","message_id")
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "outbox_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"message_id" uuid NOT NULL,
	"message_type" text NOT NULL,
	"destination" text NOT NULL,
	"envelope" jsonb NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "dead_letters_consumer_dead_at_idx" ON "dead_letters" USING btree ("consumer","dead_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "inbox_messages_received_idx" ON "inbox_messages" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "outbox_messages_pending_idx" ON "outbox_messages" USING btree ("next_attempt_at") WHERE "outbox_messages"."status" = 'PENDING';--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "outbox_messages_sent_idx" ON "outbox_messages" USING btree ("sent_at") WHERE "outbox_messages"."status" = 'SENT';
