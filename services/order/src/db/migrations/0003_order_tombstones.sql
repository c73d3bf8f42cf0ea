CREATE TABLE "order_tombstones" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"cause" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_tombstones_cause_check" CHECK ("order_tombstones"."cause" in ('CREATION_FAILED', 'REJECTED_BEFORE_CREATION'))
);
