import type { MessageHandler } from '@ordering/messaging';
import type { SqlExecutor } from '@ordering/platform';
import { createTransitionApplier } from './apply-transition.js';
import { createDeadlineSweep, type SweepResult } from './saga-deadline-sweep.js';
import type { SagaDefinition } from './saga-definition.js';
import { createSagaEngineContext, type SagaEngineOptions } from './saga-engine-context.js';
import { createReplyHandlers } from './saga-reply-handler.js';
import type { SagaDatabase, SagaView } from './saga-records.js';
import { createSagaRepairer, legalRepairsOf, type RepairInput } from './saga-repair.js';
import type { RepairAction } from './saga-repairs.js';
import { createSagaStarter, type StartSagaInput } from './saga-start.js';

export type { SagaEngineOptions } from './saga-engine-context.js';
export type { SweepResult } from './saga-deadline-sweep.js';
export type { StartSagaInput } from './saga-start.js';
export type { RepairInput } from './saga-repair.js';

export interface SagaEngine {
  /** Creates the saga and its first command in the caller's transaction. */
  start(tx: SqlExecutor, input: StartSagaInput): Promise<SagaView>;
  /** One handler per reply type the definitions expect, for the consumer runtime. */
  replyHandlers(): MessageHandler<SqlExecutor>[];
  /** One pass over sagas whose deadline passed: resend, time out, or retry compensations. */
  sweep(db: SagaDatabase): Promise<SweepResult>;
  /**
   * An operator's repair, in its own transaction (a savepoint when `db` is one): SagaNotFoundError for an unknown
   * saga, SagaRepairNotAllowedError (changing nothing) when the saga's state does not allow it.
   */
  repair(db: SagaDatabase, input: RepairInput): Promise<SagaView>;
  /** The repairs the engine would accept for this saga now (none once it is finished). */
  legalRepairsOf(view: SagaView): RepairAction[];
  definitionOf(type: string): SagaDefinition | undefined;
}

/** Start, replies, the sweep and repairs around the pure `decide()`, sharing one way of writing a transition. */
export const createSagaEngine = (options: SagaEngineOptions): SagaEngine => {
  const context = createSagaEngineContext(options);
  const apply = createTransitionApplier(context);
  return {
    definitionOf: (type) => context.definitions.get(type),
    start: createSagaStarter(context),
    replyHandlers: () => createReplyHandlers(context, apply),
    sweep: createDeadlineSweep(context, apply),
    repair: createSagaRepairer(context, apply),
    legalRepairsOf: (view) => legalRepairsOf(view, context.definitionFor(view.saga.type)),
  };
};
