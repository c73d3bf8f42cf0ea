import { describeError, inConsumerSpan, type SqlExecutor } from '@ordering/platform';
import type { ConsumeOptions, ConsumeResult } from './consume-types.js';
import type { ConsumerContext } from './consumer-context.js';
import { dispatchMessage } from './handler-run.js';
import { identityOf, parseBody, storableBody } from './message-body.js';
import { deadLetter } from './message-parking.js';
import { checkEnvelope } from './message-validation.js';

const consumeOrThrow = async <Tx extends SqlExecutor>(
  context: ConsumerContext<Tx>,
  raw: unknown,
  options: ConsumeOptions,
): Promise<ConsumeResult> => {
  const replay = options.deadLetterId ? { deadLetterId: options.deadLetterId } : {};
  const parsed = parseBody(raw);
  if (!parsed.ok) {
    return deadLetter(
      context,
      { messageId: null, messageType: null, message: storableBody(parsed), error: parsed.error, attempts: 1, ...replay },
      parsed,
      options,
    );
  }
  const invalid = (error: string): Promise<ConsumeResult> =>
    deadLetter(context, { ...identityOf(parsed.value), message: storableBody(parsed), error, attempts: 1, ...replay }, parsed, options);

  if (options.unauthenticated !== undefined) return invalid(`The message was refused as unauthenticated: ${options.unauthenticated}`);
  const envelope = checkEnvelope(parsed.value);
  if (!envelope.valid) return invalid(envelope.error);
  const message = envelope.value;
  // The handler's transaction runs in this span: its SQL, and the replies and commands it creates, join the sender's trace.
  return inConsumerSpan(message, context.spanSettings, async (span) => {
    const result = await dispatchMessage(context, message, options, invalid, span);
    span.setAttribute('ordering.message.outcome', result.outcome);
    if (result.outcome === 'retry' || result.outcome === 'dead-lettered') span.fail(undefined, result.error);
    return result;
  });
};

const consumeOnce = async <Tx extends SqlExecutor>(
  context: ConsumerContext<Tx>,
  raw: unknown,
  options: ConsumeOptions,
): Promise<ConsumeResult> => {
  try {
    return await consumeOrThrow(context, raw, options);
  } catch (error) {
    // Even parking failed (the database is away): the sender keeps the message and resends it later.
    const parsed = parseBody(raw);
    const { messageId, messageType } = identityOf(parsed.ok ? parsed.value : undefined);
    return context.report.finish(
      { outcome: 'retry', error: describeError(error), ...(messageId ? { messageId } : {}), ...(messageType ? { type: messageType } : {}) },
      {},
    );
  }
};

/** Consumes one message on its own. Never throws. */
export const consumeOne = async <Tx extends SqlExecutor>(
  context: ConsumerContext<Tx>,
  raw: unknown,
  options: ConsumeOptions = {},
): Promise<ConsumeResult> => {
  const result = await consumeOnce(context, raw, options);
  context.report.countRedelivery(result, options);
  return result;
};
