import type { Envelope } from '@ordering/contracts';
import { createReply, enqueueMessages, type MessageHandler } from '@ordering/messaging';
import type { Logger } from '@ordering/platform';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { AccountTx } from '../db/account-database.js';
import type { Outcome } from '../domain/outcome.js';

export const ACCOUNT_SERVICE = 'account';

/**
 * Decodes a payload the consumer already validated against its contract. One that does not match is a bug there:
 * fail (the message is retried, then dead-lettered) rather than act on it.
 */
export const decodePayload = <P>(schema: TSchema, envelope: Envelope): P => {
  if (!Value.Check(schema, envelope.payload)) throw new Error(`${envelope.type} ${envelope.id}: the payload does not match its contract`);
  return envelope.payload as P;
};

export interface CommandSpec<C extends { orderId: string }, T extends object> {
  type: string;
  replyType: string;
  schema: TSchema;
  /** Failures a correct saga never meets: answered like any other, and logged as a warning. */
  unexpectedFailures: readonly string[];
  run(tx: AccountTx, command: C): Promise<Outcome<T, string>>;
}

/**
 * A thin command handler: decode the payload, run the use case, and put the reply (SUCCEEDED with the step's data,
 * or FAILED with its reason) in the outbox, all in the consumer's transaction.
 */
export const commandHandler = <C extends { orderId: string }, T extends object>(logger: Logger, spec: CommandSpec<C, T>): MessageHandler<AccountTx> => ({
  type: spec.type,
  async handle(tx, envelope) {
    const command = decodePayload<C>(spec.schema, envelope);
    const outcome = await spec.run(tx, command);
    const payload = outcome.ok
      ? { orderId: command.orderId, outcome: 'SUCCEEDED' as const, ...outcome.value }
      : { orderId: command.orderId, outcome: 'FAILED' as const, reason: outcome.failure };
    if (!outcome.ok && spec.unexpectedFailures.includes(outcome.failure)) {
      logger.warn(
        { messageId: envelope.id, messageType: envelope.type, correlationId: envelope.correlationId, orderId: command.orderId, reason: outcome.failure },
        'saga command refused in a state a correct saga never reaches',
      );
    }
    await enqueueMessages(tx, [createReply(envelope, { type: spec.replyType, source: ACCOUNT_SERVICE, payload })]);
  },
});
