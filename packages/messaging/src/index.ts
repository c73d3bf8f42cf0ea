export * from './sql-executor.js';
export * from './create-envelope.js';
export * from './outbox-schema.js';
export * from './consumer-schema.js';
export * from './enqueue-messages.js';
export * from './message-handler.js';
