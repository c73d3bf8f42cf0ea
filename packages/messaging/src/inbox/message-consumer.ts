import type { SqlExecutor } from '@ordering/platform';
import { consumeBatch } from './consume-batch.js';
import { consumeOne } from './consume-one.js';
import type { MessageConsumer, MessageConsumerDeps } from './consume-types.js';
import { createConsumerContext } from './consumer-context.js';

export type {
  BatchItem,
  ConsumeOptions,
  ConsumeOutcome,
  ConsumeResult,
  MessageConsumer,
  MessageConsumerDeps,
  RunInTransaction,
} from './consume-types.js';

/**
 * The receiving half of reliable messaging: validates a message against its contract, and runs its handler in
 * one transaction together with the inbox record, so each message takes effect at most once however often it
 * is delivered. Invalid messages and messages whose handler keeps failing are parked as dead letters.
 *
 * Its parts: message-body (parse), message-admission (who may send what, payload), inbox-record (claim),
 * handler-run (dispatch, collisions), message-parking (retry or dead letter), consume-one, consume-batch, and
 * consume-report (metrics and logs of every outcome).
 */
export const createMessageConsumer = <Tx extends SqlExecutor>(deps: MessageConsumerDeps<Tx>): MessageConsumer => {
  const context = createConsumerContext(deps);
  return {
    consume: (raw, options) => consumeOne(context, raw, options),
    consumeBatch: (items) => consumeBatch(context, items),
  };
};
