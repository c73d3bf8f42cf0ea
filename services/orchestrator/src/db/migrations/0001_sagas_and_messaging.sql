CREATE TABLE "dead_letters" (
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
CREATE TABLE "inbox_messages" (
	"consumer" text NOT NULL,
	"message_id" uuid NOT NULL,
	"message_type" text NOT NULL,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_messages_consumer_message_id_pk" PRIMARY KEY("consumer","message_id")
);
--> statement-breakpoint
CREATE TABLE "message_attempts" (
	"consumer" text NOT NULL,
	"message_id" uuid NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_attempts_consumer_message_id_pk" PRIMARY KEY("consumer","message_id")
);
--> statement-breakpoint
CREATE TABLE "outbox_messages" (
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
CREATE TABLE "saga_commands" (
	"message_id" uuid PRIMARY KEY NOT NULL,
	"saga_id" uuid NOT NULL,
	"step_index" integer NOT NULL,
	"direction" text NOT NULL,
	"attempt" integer NOT NULL,
	"sent_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "saga_commands_direction_known" CHECK ("saga_commands"."direction" in ('FORWARD', 'COMPENSATION'))
);
--> statement-breakpoint
CREATE TABLE "saga_steps" (
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
CREATE TABLE "sagas" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"current_step" integer NOT NULL,
	"data" jsonb NOT NULL,
	"reason" text,
	"version" integer NOT NULL,
	"step_attempt" integer NOT NULL,
	"deadline_at" timestamp (3) with time zone,
	"customer_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (3) with time zone,
	CONSTRAINT "sagas_status_known" CHECK ("sagas"."status" in ('RUNNING', 'COMPENSATING', 'COMPLETED', 'ABORTED')),
	CONSTRAINT "sagas_current_step_non_negative" CHECK ("sagas"."current_step" >= 0)
);
--> statement-breakpoint
ALTER TABLE "saga_commands" ADD CONSTRAINT "saga_commands_saga_id_sagas_id_fk" FOREIGN KEY ("saga_id") REFERENCES "public"."sagas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saga_steps" ADD CONSTRAINT "saga_steps_saga_id_sagas_id_fk" FOREIGN KEY ("saga_id") REFERENCES "public"."sagas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dead_letters_consumer_dead_at_idx" ON "dead_letters" USING btree ("consumer","dead_at");--> statement-breakpoint
CREATE INDEX "inbox_messages_received_idx" ON "inbox_messages" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "outbox_messages_pending_idx" ON "outbox_messages" USING btree ("next_attempt_at") WHERE "outbox_messages"."status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "outbox_messages_sent_idx" ON "outbox_messages" USING btree ("sent_at") WHERE "outbox_messages"."status" = 'SENT';--> statement-breakpoint
CREATE INDEX "saga_commands_saga_idx" ON "saga_commands" USING btree ("saga_id");--> statement-breakpoint
CREATE INDEX "sagas_due_idx" ON "sagas" USING btree ("deadline_at") WHERE "sagas"."status" in ('RUNNING', 'COMPENSATING');--> statement-breakpoint
CREATE INDEX "sagas_created_idx" ON "sagas" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sagas_customer_created_idx" ON "sagas" USING btree ("customer_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sagas_status_created_idx" ON "sagas" USING btree ("status","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sagas_type_created_idx" ON "sagas" USING btree ("type","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "sagas_one_active_cancel_per_order" ON "sagas" USING btree ("order_id") WHERE "sagas"."type" = 'cancel-order' and "sagas"."status" <> 'ABORTED';