import type { Envelope } from '@ordering/contracts';
import type { SqlExecutor } from '@ordering/platform';
import { and, eq } from 'drizzle-orm';
import { inboxMessages, messageAttempts } from './consumer-schema.js';
import type { MessageHandler } from './message-handler.js';

/** Records the message in this consumer's inbox, in the handler's transaction: false when it was already there. */
export const recordInInbox = async (tx: SqlExecutor, service: string, envelope: Envelope): Promise<boolean> => {
  const recorded = await tx
    .insert(inboxMessages)
    .values({ consumer: service, messageId: envelope.id, messageType: envelope.type })
    .onConflictDoNothing()
    .returning({ messageId: inboxMessages.messageId });
  return recorded.length > 0;
};

/** Claims the message in the inbox and runs its handler, both in `tx`: 'duplicate' when the inbox already had it. */
export const claimAndHandle = async <Tx extends SqlExecutor>(
  tx: Tx,
  service: string,
  envelope: Envelope,
  handler: MessageHandler<Tx>,
): Promise<'processed' | 'duplicate'> => {
  if (!(await recordInInbox(tx, service, envelope))) return 'duplicate';
  await handler.handle(tx, envelope);
  return 'processed';
};

/** A replay that starts over: the failures that dead-lettered it are forgotten. */
export const forgetAttempts = async (db: SqlExecutor, service: string, messageId: string): Promise<void> => {
  await db.delete(messageAttempts).where(and(eq(messageAttempts.consumer, service), eq(messageAttempts.messageId, messageId)));
};
