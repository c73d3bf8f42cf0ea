import { deadLetters, inboxMessages, messageAttempts } from './inbox/consumer-schema.js';
import { outboxMessages } from './outbox/outbox-schema.js';

/**
 * The four tables every service that sends or receives messages needs in its own database. Spread them into a
 * service's Drizzle schema (or `export * from` the schema modules) so its migrations create them.
 */
export const messagingTables = { outboxMessages, inboxMessages, messageAttempts, deadLetters } as const;
