import type { Envelope } from '@ordering/contracts';
import { createReply, enqueueMessages, type MessageHandler } from '@ordering/messaging';
import type { Logger, SqlExecutor } from '@ordering/platform';

/** What a participant's step did: the data of its SUCCEEDED reply, or the reason of its FAILED one. */
export type ParticipantOutcome<T extends object> = { ok: true; value: T } | { ok: false; reason: string };

/** One saga command a participant answers; the business key of every step is the order id. */
export interface ParticipantCommand<Tx, C extends { orderId: string }, T extends object> {
  type: string;
  replyType: string;
  /**
   * Failures a correct saga never meets: they are answered like any other, and logged as a warning because they
   * mean a bug or an operator's intervention. 'all' for steps that cannot fail in a correct saga.
   */
  unexpectedFailures: 'all' | readonly string[];
  run(tx: Tx, command: C): Promise<ParticipantOutcome<T>>;
}

/**
 * A handler's typed view of its message's payload. Only a cast: the consumer runtime validated the payload against
 * the contract of its type (Ajv) before calling the handler, and parks a message that breaks it; checking it again
 * here (TypeBox) cost CPU on every message and could only ever pass (issue 10).
 */
export const payloadOf = <P>(envelope: Envelope): P => envelope.payload as P;

const isUnexpected = (failures: 'all' | readonly string[], reason: string): boolean => failures === 'all' || failures.includes(reason);

/**
 * The participant's side of a saga step: read the command, run the use case, and put the reply (SUCCEEDED with
 * the step's data, or FAILED with its reason) in the outbox, all in the consumer's transaction.
 */
export const participantCommandHandler = <Tx extends SqlExecutor, C extends { orderId: string }, T extends object>(
  participant: { service: string; logger: Logger },
  spec: ParticipantCommand<Tx, C, T>,
): MessageHandler<Tx> => ({
  type: spec.type,
  async handle(tx, envelope) {
    const command = payloadOf<C>(envelope);
    const outcome = await spec.run(tx, command);
    const payload = outcome.ok
      ? { orderId: command.orderId, outcome: 'SUCCEEDED' as const, ...outcome.value }
      : { orderId: command.orderId, outcome: 'FAILED' as const, reason: outcome.reason };
    if (!outcome.ok && isUnexpected(spec.unexpectedFailures, outcome.reason)) {
      participant.logger.warn(
        { messageId: envelope.id, messageType: envelope.type, correlationId: envelope.correlationId, orderId: command.orderId, reason: outcome.reason },
        'saga command refused in a state a correct saga never reaches',
      );
    }
    await enqueueMessages(tx, [createReply(envelope, { type: spec.replyType, source: participant.service, payload })]);
  },
});
