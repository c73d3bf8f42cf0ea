import type { ConfirmChannel, Message, Options } from 'amqplib';
import { checkMessage } from '../../inbox/message-validation.js';
import { operatorSignatureOf, OPERATOR_SIGNATURE_HEADER, SENDER_HEADER, SIGNATURE_HEADER } from '../../security/message-authentication.js';
import { REPLAYED_FROM_HEADER } from './amqp-topology.js';
import type { Located } from './dlq-channels.js';
import { headersOf, parseBody, type ReplayedDeadLetter } from './queued-dead-letter.js';

/** A repaired message is an envelope: a JSON object, never a bare string, number or array. */
export const isRepairedMessage = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const envelopeHeaders = (body: unknown): Record<string, unknown> => {
  const headers = isRepairedMessage(body) ? body['headers'] : undefined;
  const traceparent = isRepairedMessage(headers) ? headers['traceparent'] : undefined;
  return typeof traceparent === 'string' ? { traceparent } : {};
};

const stringField = (body: unknown, field: string): string | undefined => {
  const value = isRepairedMessage(body) ? body[field] : undefined;
  return typeof value === 'string' ? value : undefined;
};

/**
 * Resolves once the broker confirmed the copy. `mandatory` plus the 'return' listener turn a consumer queue that
 * does not exist into a failure: without them the default exchange would drop the copy and still confirm it.
 */
const publishConfirmed = (channel: ConfirmChannel, queue: string, content: Buffer, properties: Options.Publish): Promise<void> =>
  new Promise((resolve, reject) => {
    let returned = false;
    const onReturn = (): void => {
      returned = true;
    };
    channel.once('return', onReturn);
    channel.sendToQueue(queue, content, { ...properties, mandatory: true }, (error) => {
      channel.off('return', onReturn);
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else if (returned) reject(new Error(`the broker could not route the replayed message to queue '${queue}'`));
      else resolve();
    });
  });

/** The original's own signature still fits its untouched body: a replay keeps it, so its sender stays proven. */
const originalSignature = (message: Message): Record<string, unknown> => {
  const headers = headersOf(message);
  return Object.fromEntries(
    [SENDER_HEADER, SIGNATURE_HEADER, OPERATOR_SIGNATURE_HEADER]
      .filter((name) => headers[name] !== undefined)
      .map((name) => [name, headers[name]]),
  );
};

/** A repaired body has no sender's signature: the operator vouches for it, with the operator token. */
const signatureFor = (located: Located, repaired: unknown, content: Buffer, operatorToken: string | undefined): Record<string, unknown> => {
  if (repaired === undefined) return originalSignature(located.message);
  if (!operatorToken) throw new Error('A repaired message must be signed with the operator token: set OPERATOR_TOKEN');
  const check = checkMessage(repaired, located.consumerQueue.service);
  if (!check.valid) throw new RepairedMessageRefusedError(check.error);
  return { [OPERATOR_SIGNATURE_HEADER]: operatorSignatureOf(operatorToken, content) };
};

/** The repaired message would be refused by its consumer; nothing was sent, the dead letter stays where it is. */
export class RepairedMessageRefusedError extends Error {
  constructor(reason: string) {
    super(`The repaired message would be refused: ${reason}`);
    this.name = 'RepairedMessageRefusedError';
  }
}

export const replayCopy = async (
  channel: ConfirmChannel,
  id: string,
  located: Located,
  repaired: unknown,
  operatorToken: string | undefined,
): Promise<ReplayedDeadLetter> => {
  const { message, consumerQueue } = located;
  const body = repaired === undefined ? parseBody(message.content) : repaired;
  const content = repaired === undefined ? message.content : Buffer.from(JSON.stringify(repaired));
  const messageId = (repaired === undefined ? message.properties.messageId : stringField(repaired, 'id')) ?? null;
  const type = repaired === undefined ? message.properties.type : stringField(repaired, 'type');
  const signature = signatureFor(located, repaired, content, operatorToken);
  await publishConfirmed(channel, consumerQueue.queue, content, {
    persistent: true,
    contentType: 'application/json',
    ...(messageId ? { messageId } : {}),
    ...(type ? { type } : {}),
    // No attempts header: a replay gets the whole retry budget again.
    headers: { ...envelopeHeaders(body), ...signature, [REPLAYED_FROM_HEADER]: id },
  });
  // Only now, with the copy safely in the consumer queue, does the dead letter leave the DLQ.
  channel.ack(message);
  return { id, queue: consumerQueue.queue, service: consumerQueue.service, messageId };
};
