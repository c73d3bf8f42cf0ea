CREATE TABLE "saga_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"saga_id" uuid NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"event" text NOT NULL,
	"step_index" integer,
	"direction" text,
	"outcome" text,
	"message_id" uuid,
	"reason" text,
	"actor" text,
	"status_before" text NOT NULL,
	"status_after" text NOT NULL,
	"note" text,
	CONSTRAINT "saga_history_event_known" CHECK ("saga_history"."event" in ('started', 'reply', 'deadline', 'repair'))
);
--> statement-breakpoint
ALTER TABLE "saga_history" ADD CONSTRAINT "saga_history_saga_id_sagas_id_fk" FOREIGN KEY ("saga_id") REFERENCES "public"."sagas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "saga_history_saga_idx" ON "saga_history" USING btree ("saga_id","id");--> statement-breakpoint
CREATE INDEX "sagas_owner_created_idx" ON "sagas" USING btree ("owner_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sagas_business_key_idx" ON "sagas" USING btree ("business_key");--> statement-breakpoint
CREATE INDEX "sagas_reason_created_idx" ON "sagas" USING btree ("reason","created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "sagas"."reason" is not null;