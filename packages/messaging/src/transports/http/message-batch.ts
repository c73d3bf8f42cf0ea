import type { ConsumeOutcome } from '../../inbox/message-consumer.js';

/** Several messages to one receiver in one HTTP exchange (and one transaction there): used by senders under load. */
export const MESSAGE_BATCH_PATH = '/internal/messages/batch';

/** The most messages one batch may carry; a longer one is refused whole. */
export const MAX_BATCH_SIZE = 64;

/** One message as the single-message push would carry it: its exact body and the headers that sign it. */
export interface SignedMessage {
  headers: Record<string, string>;
  body: string;
}

/** Per message, in order: what its consumer did, or `unauthenticated` (refused unread, like a 401 push). */
export type BatchOutcome = ConsumeOutcome | 'unauthenticated';

export const encodeBatch = (messages: readonly SignedMessage[]): string => JSON.stringify({ messages });

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const isSignedMessage = (value: unknown): value is SignedMessage =>
  isRecord(value) &&
  typeof value['body'] === 'string' &&
  isRecord(value['headers']) &&
  Object.values(value['headers']).every((header) => typeof header === 'string');

/** The batch's messages, or undefined when the text is not a batch this version understands. */
export const decodeBatch = (text: string): SignedMessage[] | undefined => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || !Array.isArray(parsed['messages'])) return undefined;
  const messages: unknown[] = parsed['messages'];
  if (messages.length === 0 || messages.length > MAX_BATCH_SIZE || !messages.every(isSignedMessage)) return undefined;
  return messages;
};

const OUTCOMES = new Set<BatchOutcome>(['processed', 'duplicate', 'dead-lettered', 'retry', 'unauthenticated']);

/** The receiver's answer: one known outcome per message sent, or undefined. */
export const decodeBatchOutcomes = (text: string, count: number): BatchOutcome[] | undefined => {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isRecord(parsed) || !Array.isArray(parsed['outcomes'])) return undefined;
    const outcomes: unknown[] = parsed['outcomes'];
    return outcomes.length === count && outcomes.every((outcome) => OUTCOMES.has(outcome as BatchOutcome))
      ? (outcomes as BatchOutcome[])
      : undefined;
  } catch {
    return undefined;
  }
};
