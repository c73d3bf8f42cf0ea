DROP INDEX "sagas_due_idx";--> statement-breakpoint
DROP INDEX "sagas_customer_created_idx";