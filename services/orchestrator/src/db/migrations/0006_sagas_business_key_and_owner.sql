-- The saga package is generic: a saga has a business key and an owner instead of an order and a customer. The
-- columns are renamed in place, so existing sagas keep their values (a uuid converts to its text form), and
-- sagas_order_idx follows its column. The engine enforces one active cancel-order per order itself now.
DROP INDEX "sagas_one_active_cancel_per_order";--> statement-breakpoint
ALTER TABLE "sagas" RENAME COLUMN "customer_id" TO "owner_id";--> statement-breakpoint
ALTER TABLE "sagas" RENAME COLUMN "order_id" TO "business_key";--> statement-breakpoint
ALTER TABLE "sagas" ALTER COLUMN "owner_id" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "sagas" ALTER COLUMN "business_key" SET DATA TYPE text;
