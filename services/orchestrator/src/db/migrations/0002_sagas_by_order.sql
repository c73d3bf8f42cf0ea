-- A cancel request finds the order's checkout saga (and any cancel saga) by order id.
CREATE INDEX IF NOT EXISTS "sagas_order_idx" ON "sagas" ("order_id");
