import {
  replyTypeOf,
  type CommandsOwnedBy,
  type CommandType,
  type Envelope,
  type MessageType,
  type PayloadOf,
  type Result,
} from '@ordering/contracts';
import { createReply, enqueueMessages, type MessageHandler } from '@ordering/messaging';
import type { Logger, SqlExecutor } from '@ordering/platform';
import { replyKeyPicker, type ParticipantCommandType, type ReplyKeyOf } from './participant-reply-key.js';
import type { SucceededReplyOf } from './saga-definition.js';

/** What a participant's step did: the data of its SUCCEEDED reply, or the reason (the failure) of its FAILED one. */
export type ParticipantOutcome<T extends object> = Result<T, string>;

/** What a SUCCEEDED reply to C states beyond the fields the handler fills in itself (the reply key, outcome). */
export type SucceededValueOf<C extends CommandType> = Omit<SucceededReplyOf<C>, ReplyKeyOf<C> | 'outcome'>;

/** Who answers: the service (the replies' source), its logger, and the command field its operations are keyed by. */
export interface Participant<S extends string, C extends CommandType> {
  service: S;
  logger: Logger;
  replyKey: ReplyKeyOf<C>;
}

/** One saga command a participant answers; its contract types the command, and the reply is looked up from it. */
export interface ParticipantCommand<Tx, C extends ParticipantCommandType> {
  type: C;
  /**
   * Failures a correct saga never meets: they are answered like any other, and logged as a warning because they
   * mean a bug or an operator's intervention. 'all' for steps that cannot fail in a correct saga.
   */
  unexpectedFailures: 'all' | readonly string[];
  run(tx: Tx, command: PayloadOf<C>): Promise<ParticipantOutcome<SucceededValueOf<C>>>;
}

/**
 * A handler's typed view of its message's payload. Only a cast: the consumer runtime validated the payload against
 * the contract of its type (Ajv) before calling the handler, and parks a message that breaks it; checking it again
 * here (TypeBox) cost CPU on every message and could only ever pass (issue 10).
 */
export const payloadOf = <T extends MessageType>(envelope: Envelope): PayloadOf<T> => envelope.payload as PayloadOf<T>;

const isUnexpected = (failures: 'all' | readonly string[], reason: string): boolean => failures === 'all' || failures.includes(reason);

/**
 * The participant's side of a saga step: read the command, run the use case, and put the reply (SUCCEEDED with
 * the step's data, or FAILED with its reason) in the outbox, all in the consumer's transaction.
 */
export const participantCommandHandler = <Tx extends SqlExecutor, C extends ParticipantCommandType>(
  participant: Participant<string, C>,
  spec: ParticipantCommand<Tx, C>,
): MessageHandler<Tx> => {
  const replyType = replyTypeOf(spec.type);
  const replyKeyOf = replyKeyPicker<C>(participant.replyKey);
  return {
    type: spec.type,
    async handle(tx, envelope) {
      const command = payloadOf<C>(envelope);
      const key = replyKeyOf(command);
      const outcome = await spec.run(tx, command);
      const payload = outcome.ok
        ? { ...key, outcome: 'SUCCEEDED' as const, ...outcome.value }
        : { ...key, outcome: 'FAILED' as const, reason: outcome.failure };
      if (!outcome.ok && isUnexpected(spec.unexpectedFailures, outcome.failure)) {
        participant.logger.warn(
          {
            messageId: envelope.id,
            messageType: envelope.type,
            correlationId: envelope.correlationId,
            ...(key as Record<string, string>),
            reason: outcome.failure,
          },
          'saga command refused in a state a correct saga never reaches',
        );
      }
      await enqueueMessages(tx, [createReply(envelope, { type: replyType, source: participant.service, payload })]);
    },
  };
};

/** A participant's answer to one command, keyed by the command's type in `participantCommandHandlers`. */
export type ParticipantAnswer<Tx, C extends ParticipantCommandType> = Omit<ParticipantCommand<Tx, C>, 'type'>;

/**
 * One handler per saga command `participant.service` owns in the catalog: a command added for this service does not
 * compile until its answer is here, and an answer for a command it does not own does not compile either.
 */
export const participantCommandHandlers = <Tx extends SqlExecutor, S extends string>(
  participant: Participant<S, CommandsOwnedBy<S>>,
  answers: { [C in CommandsOwnedBy<S>]: C extends ParticipantCommandType ? ParticipantAnswer<Tx, C> : never },
): MessageHandler<Tx>[] =>
  // Object.entries forgets which answer belongs to which key; each entry is the answer to its own type.
  (Object.entries(answers) as [ParticipantCommandType, ParticipantAnswer<Tx, ParticipantCommandType>][]).map(([type, answer]) =>
    participantCommandHandler(participant as Participant<S, ParticipantCommandType>, { ...answer, type }),
  );
