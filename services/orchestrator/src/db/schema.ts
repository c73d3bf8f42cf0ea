// The orchestrator declares no table of its own: idempotency_keys, the messaging tables and the saga tables are
// declared and migrated by their packages (ADR 23). Its one index on them, sagas_order_idx, is in its migrations.
export {};
