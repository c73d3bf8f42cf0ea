import type { Envelope } from '@ordering/contracts';
import { createReply, enqueueMessages, type MessageHandler } from '@ordering/messaging';
import type { Logger } from '@ordering/platform';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { OrderTx } from '../db/order-database.js';
import type { StepOutcome } from '../domain/order-steps.js';

export const ORDER_SERVICE = 'order';

export interface CommandSpec<C extends { orderId: string }, T extends object> {
  type: string;
  replyType: string;
  /** The command's contract schema; the consumer validated the payload already, this only types it. */
  schema: TSchema;
  /**
   * Failures a correct saga never meets: they are answered like any other, and logged as a warning because they
   * mean a bug or an operator's intervention. 'all' for steps that cannot fail in a correct saga.
   */
  unexpectedFailures: 'all' | readonly string[];
  run(tx: OrderTx, command: C): Promise<StepOutcome<T>>;
}

const decode = <C>(schema: TSchema, envelope: Envelope): C => {
  // A payload that got past the consumer without matching its contract is a bug there: fail (and be retried,
  // then dead-lettered) rather than act on it.
  if (!Value.Check(schema, envelope.payload)) throw new Error(`${envelope.type} ${envelope.id}: the payload does not match its contract`);
  return envelope.payload as C;
};

/**
 * A thin command handler: decode the payload, run the use case, and put the reply (SUCCEEDED with the step's data,
 * or FAILED with its reason) in the outbox, all in the consumer's transaction.
 */
export const commandHandler = <C extends { orderId: string }, T extends object>(logger: Logger, spec: CommandSpec<C, T>): MessageHandler<OrderTx> => ({
  type: spec.type,
  async handle(tx, envelope) {
    const command = decode<C>(spec.schema, envelope);
    const outcome = await spec.run(tx, command);
    const payload = outcome.ok
      ? { orderId: command.orderId, outcome: 'SUCCEEDED' as const, ...outcome.value }
      : { orderId: command.orderId, outcome: 'FAILED' as const, reason: outcome.reason };
    if (!outcome.ok && (spec.unexpectedFailures === 'all' || spec.unexpectedFailures.includes(outcome.reason))) {
      logger.warn(
        { messageId: envelope.id, messageType: envelope.type, correlationId: envelope.correlationId, orderId: command.orderId, reason: outcome.reason },
        'saga command refused in a state a correct saga never reaches',
      );
    }
    await enqueueMessages(tx, [createReply(envelope, { type: spec.replyType, source: ORDER_SERVICE, payload })]);
  },
});
