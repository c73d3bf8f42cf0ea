import type { Envelope } from '@ordering/contracts';
import { inConsumerSpan, type SqlExecutor } from '@ordering/platform';
import { consumeOne } from './consume-one.js';
import type { BatchItem, ConsumeResult } from './consume-types.js';
import type { ConsumerContext } from './consumer-context.js';
import { claimAndHandle } from './inbox-record.js';
import { examineMessage } from './message-admission.js';
import { parseBody } from './message-body.js';
import type { MessageHandler } from './message-handler.js';
import { checkEnvelope } from './message-validation.js';

type Admitted<Tx> = { message: Envelope; handler: MessageHandler<Tx>; index: number };

/** A message of a batch that may share its transaction: valid, handled here, and not an operator's replay. */
const admit = <Tx extends SqlExecutor>(context: ConsumerContext<Tx>, item: BatchItem, index: number): Admitted<Tx> | undefined => {
  const options = item.options ?? {};
  // `park` may stay: only a message consumed on its own is ever parked.
  if (options.unauthenticated !== undefined || options.deadLetterId || options.freshAttempts) return undefined;
  const parsed = parseBody(item.raw);
  if (!parsed.ok) return undefined;
  const envelope = checkEnvelope(parsed.value);
  if (!envelope.valid) return undefined;
  const examined = examineMessage(context, envelope.value, options);
  return 'handler' in examined ? { message: envelope.value, handler: examined.handler, index } : undefined;
};

const handleTogether = async <Tx extends SqlExecutor>(
  context: ConsumerContext<Tx>,
  batch: Array<Admitted<Tx>>,
): Promise<Array<'processed' | 'duplicate'>> =>
  context.runInTransaction(async (tx) => {
    const outcomes: Array<'processed' | 'duplicate'> = [];
    for (const { message, handler } of batch) {
      // Each message keeps its own consumer span (and so its own trace); only the commit is shared.
      const outcome = await inConsumerSpan(message, context.spanSettings, async (span) => {
        const handled = await claimAndHandle(tx, context.service, message, handler);
        if (handled === 'processed') span.setAttribute('ordering.message.outcome', 'processed');
        return handled;
      });
      outcomes.push(outcome);
    }
    return outcomes;
  });

/** Fills `results` for the admitted messages when they all commit together; leaves them empty when any failed. */
const consumeTogether = async <Tx extends SqlExecutor>(
  context: ConsumerContext<Tx>,
  items: readonly BatchItem[],
  together: Array<Admitted<Tx>>,
  results: Array<ConsumeResult | undefined>,
): Promise<void> => {
  try {
    const outcomes = await handleTogether(context, together);
    together.forEach((entry, k) => {
      const outcome = outcomes[k] ?? 'processed';
      const { message } = entry;
      const result = context.report.finish(
        { outcome, messageId: message.id, type: message.type },
        { source: message.source, correlationId: message.correlationId, batch: together.length },
      );
      context.report.countRedelivery(result, items[entry.index]?.options);
      results[entry.index] = result;
    });
  } catch (error) {
    // One of them failed (or two batches collided): nothing of the batch committed; each goes on its own below.
    context.log.debug({ err: error, batch: together.length }, 'a batch of messages failed together, consuming them one by one');
  }
};

/** See {@link MessageConsumer.consumeBatch}. Never throws. */
export const consumeBatch = async <Tx extends SqlExecutor>(
  context: ConsumerContext<Tx>,
  items: readonly BatchItem[],
): Promise<ConsumeResult[]> => {
  const together = items.flatMap((item, index) => admit(context, item, index) ?? []);
  const results: Array<ConsumeResult | undefined> = new Array<ConsumeResult | undefined>(items.length);
  if (together.length > 1) await consumeTogether(context, items, together, results);
  for (const [index, item] of items.entries()) {
    results[index] ??= await consumeOne(context, item.raw, item.options ?? {});
  }
  return results as ConsumeResult[];
};
