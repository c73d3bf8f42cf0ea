import type { CommandType, PayloadOf, ReplyPayloadOf } from '@ordering/contracts';

/**
 * The fields that can key a participant's idempotent operation on command C: text fields the command carries and
 * every reply to it repeats, so the orchestrator can match the answer. A union of commands has the keys they share.
 */
export type ReplyKeyOf<C extends CommandType> = {
  [K in keyof PayloadOf<C> & keyof ReplyPayloadOf<C>]: PayloadOf<C>[K] extends string ? K : never;
}[keyof PayloadOf<C> & keyof ReplyPayloadOf<C>] &
  string;

/** The commands a participant can answer: those whose contracts give them a reply key. */
export type ParticipantCommandType = { [C in CommandType]: [ReplyKeyOf<C>] extends [never] ? never : C }[CommandType];

/** The reply key's field of a command, ready to spread into the reply (and the log line) that answers it. */
export const replyKeyPicker =
  <C extends ParticipantCommandType>(key: ReplyKeyOf<C>) =>
  (command: PayloadOf<C>): Record<ReplyKeyOf<C>, string> =>
    // A generic C hides from the compiler that the field is text; ReplyKeyOf only names text fields.
    ({ [key]: (command as Record<ReplyKeyOf<C>, string>)[key] }) as Record<ReplyKeyOf<C>, string>;
