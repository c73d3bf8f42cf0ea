import { inProducerSpan } from '@ordering/platform';
import type { Transport } from '../transports/transport.js';
import type { OutboxRow } from './outbox-row.js';
import { settlePublish } from './publish-outcomes.js';
import type { PublisherContext } from './publisher-context.js';

/** Which delivery attempt this span is: the row's recorded attempts plus this one. */
const setAttempt = (span: { setAttribute(key: string, value: number): void }, row: OutboxRow): void => {
  span.setAttribute('ordering.outbox.attempt', row.attempts + 1);
};

export const publishOne = async (context: PublisherContext, row: OutboxRow): Promise<void> => {
  try {
    await inProducerSpan(row.envelope, context.spanSettings, (span) => {
      setAttempt(span, row);
      return context.transport.publish(row.envelope);
    });
    settlePublish(context, row, undefined);
  } catch (error) {
    settlePublish(context, row, error);
  }
};

/** One exchange for all of `rows` (one destination); each row still gets its own PRODUCER span in its own trace. */
export const publishTogether = async (
  context: PublisherContext,
  rows: OutboxRow[],
  publishBatch: NonNullable<Transport['publishBatch']>,
): Promise<void> => {
  let sendBatch: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (sendBatch = resolve));
  const results = started.then(() => publishBatch(rows.map((row) => row.envelope)));
  await Promise.all(
    rows.map((row, index) =>
      inProducerSpan(row.envelope, context.spanSettings, async (span) => {
        setAttempt(span, row);
        span.setAttribute('ordering.outbox.batch_size', rows.length);
        // The exchange starts inside the first row's span, so the receiver's HTTP span is a child of a real send.
        if (index === 0) sendBatch();
        const error = (await results)[index];
        if (error !== undefined) throw error;
      }).then(
        () => settlePublish(context, row, undefined),
        (error: unknown) => settlePublish(context, row, error),
      ),
    ),
  );
};
