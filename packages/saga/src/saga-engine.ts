import type { MessageHandler } from '@ordering/messaging';
import type { SqlExecutor } from '@ordering/platform';
import { createTransitionApplier } from './apply-transition.js';
import { createDeadlineSweep, type SweepResult } from './saga-deadline-sweep.js';
import type { SagaDefinition } from './saga-definition.js';
import { createSagaEngineContext, type SagaEngineOptions } from './saga-engine-context.js';
import { createReplyHandlers } from './saga-reply-handler.js';
import type { SagaDatabase, SagaView } from './saga-records.js';
import { createSagaStarter, type StartSagaInput } from './saga-start.js';

export type { SagaEngineOptions } from './saga-engine-context.js';
export type { SweepResult } from './saga-deadline-sweep.js';
export type { StartSagaInput } from './saga-start.js';

export interface SagaEngine {
  /** Creates the saga and its first command in the caller's transaction. */
  start(tx: SqlExecutor, input: StartSagaInput): Promise<SagaView>;
  /** One handler per reply type the definitions expect, for the consumer runtime. */
  replyHandlers(): MessageHandler<SqlExecutor>[];
  /** One pass over sagas whose deadline passed: resend, time out, or retry compensations. */
  sweep(db: SagaDatabase): Promise<SweepResult>;
  definitionOf(type: string): SagaDefinition | undefined;
}

/** Start, replies and the sweep around the pure `decide()`, sharing one way of writing a transition. */
export const createSagaEngine = (options: SagaEngineOptions): SagaEngine => {
  const context = createSagaEngineContext(options);
  const apply = createTransitionApplier(context);
  return {
    definitionOf: (type) => context.definitions.get(type),
    start: createSagaStarter(context),
    replyHandlers: () => createReplyHandlers(context, apply),
    sweep: createDeadlineSweep(context, apply),
  };
};
