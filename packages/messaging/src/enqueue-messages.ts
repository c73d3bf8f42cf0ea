import type { Envelope } from '@ordering/contracts';
import { outboxMessages } from './outbox-schema.js';
import type { SqlExecutor } from './sql-executor.js';

/**
 * Writes outgoing messages in the caller's transaction, so they exist if and only if the state change commits.
 * The relay publishes them after commit.
 */
export const enqueueMessages = async (tx: SqlExecutor, envelopes: Envelope[]): Promise<void> => {
  if (envelopes.length === 0) return;
  await tx.insert(outboxMessages).values(
    envelopes.map((envelope) => ({
      messageId: envelope.id,
      messageType: envelope.type,
      destination: envelope.destination,
      envelope: envelope as unknown as Record<string, unknown>,
    })),
  );
};
