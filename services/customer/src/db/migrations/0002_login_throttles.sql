CREATE TABLE "login_throttles" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"failures" integer NOT NULL,
	"last_failure_at" timestamp (3) with time zone NOT NULL,
	"locked_until" timestamp (3) with time zone,
	CONSTRAINT "login_throttles_scope_key_pk" PRIMARY KEY("scope","key"),
	CONSTRAINT "login_throttles_scope_check" CHECK ("login_throttles"."scope" in ('account', 'client'))
);
--> statement-breakpoint
CREATE INDEX "login_throttles_last_failure_idx" ON "login_throttles" USING btree ("scope","last_failure_at");