import { maySend, MESSAGE_CATALOG, type Envelope } from '@ordering/contracts';
import type { SqlExecutor } from '@ordering/platform';
import type { ConsumeOptions } from './consume-types.js';
import type { ConsumerContext } from './consumer-context.js';
import type { MessageHandler } from './message-handler.js';

/** Why this sender may not deliver this message, or undefined: the catalog states who may send each type. */
const senderRefusal = (message: Envelope, sender: string | undefined): string | undefined => {
  if (sender !== undefined && sender !== message.source)
    return `The message claims to come from '${message.source}' but is signed by '${sender}'`;
  if (maySend(message.source, message.type)) return undefined;
  const allowed = MESSAGE_CATALOG[message.type]?.senders.join(', ') ?? 'nobody';
  return `'${message.source}' may not send ${message.type} (only ${allowed} may)`;
};

/** Whether this service can handle the message as it is: its handler, or why not. No side effects. */
export const examineMessage = <Tx extends SqlExecutor>(
  context: ConsumerContext<Tx>,
  message: Envelope,
  options: ConsumeOptions,
): { handler: MessageHandler<Tx> } | { error: string } => {
  const { service, handlers } = context;
  if (message.destination !== service) return { error: `The message is addressed to '${message.destination}', but this is '${service}'` };
  const handler = handlers.get(message.type);
  const validatePayload = context.payloadValidators.get(message.type);
  if (!handler || !validatePayload) {
    return {
      error: `'${service}' has no handler for message type '${message.type}' (handled: ${[...handlers.keys()].join(', ') || 'none'})`,
    };
  }
  const refusal = senderRefusal(message, options.sender);
  if (refusal) return { error: refusal };
  const payload = validatePayload(message.payload);
  return payload.valid ? { handler } : { error: payload.error };
};
