import type { DeadLetter, DeadLetterStore } from './dead-letter-store.js';
import type { ConsumeResult, MessageConsumer } from '../inbox/message-consumer.js';

export interface ReplayResult extends ConsumeResult {
  deadLetterId: string;
}

/** A dead letter of a body that was not JSON holds `{ raw }`: replay the text as it was received. */
const originalBody = (letter: DeadLetter): unknown => {
  const message = letter.message as Record<string, unknown> | null;
  const isRawText =
    letter.messageId === null &&
    message !== null &&
    typeof message === 'object' &&
    Object.keys(message).length === 1 &&
    typeof message['raw'] === 'string';
  return isRawText ? message['raw'] : message;
};

/**
 * Runs a dead letter through the consumer again, optionally as a repaired envelope. The inbox makes a second
 * replay of a processed message a duplicate, so replaying never applies a message twice. The dead letter is
 * marked replayed once the message was processed (or found already processed); if it fails again, the same
 * dead letter is updated with the new error.
 */
export const replayDeadLetter = async (
  deps: { consumer: MessageConsumer; deadLetters: DeadLetterStore },
  id: string,
  repaired?: unknown,
): Promise<ReplayResult | undefined> => {
  const letter = await deps.deadLetters.find(id);
  if (!letter) return undefined;
  const result = await deps.consumer.consume(repaired ?? originalBody(letter), { deadLetterId: letter.id });
  if (result.outcome === 'processed' || result.outcome === 'duplicate') await deps.deadLetters.markReplayed(letter.id);
  return { ...result, deadLetterId: letter.id };
};
