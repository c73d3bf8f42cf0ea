-- A cancel request finds the order's checkout saga (and any cancel saga) by order id, the orchestrator's business
-- key: the index is the orchestrator's, on the saga package's table. Databases migrated before ADR 23 created it on
-- order_id, which 0006 renamed to business_key (the index followed); a fresh database has business_key already.
CREATE INDEX IF NOT EXISTS "sagas_order_idx" ON "sagas" ("business_key");
