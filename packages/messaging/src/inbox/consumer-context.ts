import type { Logger, SqlExecutor } from '@ordering/platform';
import { createConsumeReport, type ConsumeReport } from './consume-report.js';
import type { MessageConsumerDeps, RunInTransaction } from './consume-types.js';
import type { MessageHandler } from './message-handler.js';
import { compilePayloadValidators } from './message-validation.js';

/** What every part of one consumer shares: set up once, never changed afterwards. */
export interface ConsumerContext<Tx extends SqlExecutor> {
  service: string;
  db: SqlExecutor;
  runInTransaction: RunInTransaction<Tx>;
  log: Logger;
  maxAttempts: number;
  handlers: ReadonlyMap<string, MessageHandler<Tx>>;
  payloadValidators: ReturnType<typeof compilePayloadValidators>;
  spanSettings: { service: string; system: string };
  report: ConsumeReport;
}

export const createConsumerContext = <Tx extends SqlExecutor>(deps: MessageConsumerDeps<Tx>): ConsumerContext<Tx> => {
  const { service, db, runInTransaction } = deps;
  const log = deps.logger.child({ component: 'message-consumer' });
  const handlers = new Map(deps.handlers.map((handler) => [handler.type, handler] as const));
  if (handlers.size !== deps.handlers.length) throw new Error(`Two handlers are registered for the same message type in ${service}`);
  const payloadValidators = compilePayloadValidators([...handlers.keys()]);
  return {
    service,
    db,
    runInTransaction,
    log,
    maxAttempts: deps.maxAttempts ?? 5,
    handlers,
    payloadValidators,
    spanSettings: { service, system: deps.messagingSystem ?? 'http' },
    report: createConsumeReport(deps.metrics, log, handlers.keys()),
  };
};
