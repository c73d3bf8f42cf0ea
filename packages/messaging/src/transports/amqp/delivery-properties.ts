import { randomUUID } from 'node:crypto';
import type { ConsumeMessage, Options } from 'amqplib';
import { isUuid, type ParkedMessage } from '../../dead-letters/dead-letter-store.js';
import type { ConsumeOptions } from '../../inbox/message-consumer.js';
import { consumeOptionsOf, type MessageVerifier } from '../../security/message-authentication.js';
import { ATTEMPTS_HEADER, REPLAYED_FROM_HEADER } from './amqp-topology.js';

/** Deliveries so far, counting this one: the header is absent on a first delivery. */
export const deliveriesOf = (message: ConsumeMessage): number => {
  const value = Number(message.properties.headers?.[ATTEMPTS_HEADER]);
  return Number.isInteger(value) && value > 0 ? value : 1;
};

const nonEmpty = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const headerReaderOf =
  (message: ConsumeMessage) =>
  (name: string): string | undefined => {
    const value: unknown = message.properties.headers?.[name];
    return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
  };

/** Who the signature says sent it; or, for a delivery it does not vouch for, why it is parked without being read. */
export const authenticationOf = (
  verifier: MessageVerifier,
  message: ConsumeMessage,
): Pick<ConsumeOptions, 'sender' | 'unauthenticated'> => {
  const authentication = verifier.verify(headerReaderOf(message), message.content);
  return authentication.ok ? consumeOptionsOf(authentication.value) : { unauthenticated: authentication.failure };
};

/**
 * A delivery that `npm run dlq -- replay` put back names its dead letter. Its first delivery starts a fresh round of
 * attempts (later ones come from the retry queue and keep counting); should that first one meet a database outage,
 * the replay keeps the old count, as a message in its last attempt would.
 */
export const replayOptionsOf = (message: ConsumeMessage): Pick<ConsumeOptions, 'deadLetterId' | 'freshAttempts'> => {
  const replayedFrom: unknown = message.properties.headers?.[REPLAYED_FROM_HEADER];
  if (!isUuid(replayedFrom)) return {};
  return { deadLetterId: replayedFrom, ...(deliveriesOf(message) === 1 ? { freshAttempts: true } : {}) };
};

/**
 * The original message's properties, for a copy into the retry queue or the DLQ; the body travels untouched. What the
 * consumer read from the body (`read`) names the message for an operator, even when its producer set no properties.
 */
export const copyOf = (
  message: ConsumeMessage,
  headers: Record<string, unknown>,
  read: Partial<Pick<ParkedMessage, 'messageId' | 'messageType'>> = {},
): Options.Publish & { messageId: string } => {
  const { properties } = message;
  const type = nonEmpty(read.messageType) ?? nonEmpty(properties.type);
  return {
    persistent: true,
    // A body that never had an id (garbage) gets one, so the broker's return can be matched to this publish.
    messageId: nonEmpty(read.messageId) ?? nonEmpty(properties.messageId) ?? randomUUID(),
    ...(properties.contentType ? { contentType: properties.contentType as string } : {}),
    ...(properties.contentEncoding ? { contentEncoding: properties.contentEncoding as string } : {}),
    ...(type ? { type } : {}),
    ...(properties.timestamp ? { timestamp: properties.timestamp as number } : {}),
    ...(properties.correlationId ? { correlationId: properties.correlationId as string } : {}),
    headers: { ...(properties.headers ?? {}), ...headers },
  };
};
