import { setTimeout as sleep } from 'node:timers/promises';
import type { Envelope } from '@ordering/contracts';
import { describeError, isConnectivityFailure, isTransactionCollision, type MessageSpan, type SqlExecutor } from '@ordering/platform';
import type { ConsumeOptions, ConsumeResult } from './consume-types.js';
import type { ConsumerContext } from './consumer-context.js';
import { claimAndHandle, forgetAttempts } from './inbox-record.js';
import { examineMessage } from './message-admission.js';
import type { MessageHandler } from './message-handler.js';
import { countFailure } from './message-parking.js';

/** Serialization failures and deadlocks are retried here before they count as a failed attempt. */
const COLLISION_RETRIES = 3;

/** Runs the handler with the inbox record in one transaction; a collision is retried, any other failure counted. */
const runHandler = async <Tx extends SqlExecutor>(
  context: ConsumerContext<Tx>,
  envelope: Envelope,
  handler: MessageHandler<Tx>,
  options: ConsumeOptions,
  span: MessageSpan,
): Promise<ConsumeResult> => {
  const logContext = { source: envelope.source, correlationId: envelope.correlationId };
  for (let collisions = 0; ; collisions += 1) {
    try {
      const outcome = await context.runInTransaction((tx) => claimAndHandle(tx, context.service, envelope, handler));
      return context.report.finish({ outcome, messageId: envelope.id, type: envelope.type }, logContext);
    } catch (error) {
      if (isConnectivityFailure(error)) {
        span.fail(error);
        // The database is away: not the message's fault, so the attempt is not counted.
        return context.report.finish(
          { outcome: 'retry', messageId: envelope.id, type: envelope.type, error: describeError(error) },
          logContext,
        );
      }
      if (isTransactionCollision(error) && collisions < COLLISION_RETRIES) {
        await sleep(10 + Math.random() * 40 * (collisions + 1));
        continue;
      }
      span.fail(error);
      return countFailure(context, envelope, error, options);
    }
  }
};

/** Hands a valid envelope to its handler, or parks it through `invalid` when this service cannot take it. */
export const dispatchMessage = async <Tx extends SqlExecutor>(
  context: ConsumerContext<Tx>,
  message: Envelope,
  options: ConsumeOptions,
  invalid: (error: string) => Promise<ConsumeResult>,
  span: MessageSpan,
): Promise<ConsumeResult> => {
  const examined = examineMessage(context, message, options);
  if ('error' in examined) return invalid(examined.error);
  if (options.freshAttempts) await forgetAttempts(context.db, context.service, message.id);
  return runHandler(context, message, examined.handler, options, span);
};
