import { randomUUID } from 'node:crypto';
import type { Envelope } from '@ordering/contracts';
import { enqueueMessages } from '@ordering/messaging';
import type { SqlExecutor } from '@ordering/platform';
import { buildCommand } from './saga-command.js';
import type { SagaDefinition } from './saga-definition.js';
import type { SagaEngineContext } from './saga-engine-context.js';
import { SagaAlreadyActiveError } from './saga-errors.js';
import { insertSaga } from './saga-insert.js';
import { lockBusinessKey } from './saga-locks.js';
import type { SagaStepRecord, SagaView } from './saga-records.js';
import { backoffMs, type CommandToSend } from './saga-state-machine.js';

export interface StartSagaInput {
  type: string;
  sagaId?: string;
  /** What the saga is about in the caller's terms (e.g. an order id); `oneActivePerKey` counts sagas by it. */
  businessKey: string;
  /** Who the saga belongs to (e.g. a customer id); listings filter by it. */
  ownerId: string;
  /** The saga's working data, stored as JSON; the definition's command builders read it. */
  data: object;
  /** Trace context to carry on the first command. */
  headers?: Envelope['headers'];
}

const FIRST: CommandToSend = { stepIndex: 0, direction: 'FORWARD', attempt: 1 };

/** Step 0 RUNNING with its first send counted, the others PENDING. */
const firstStepRows = (definition: SagaDefinition): Pick<SagaStepRecord, 'stepIndex' | 'name' | 'status' | 'attempts'>[] =>
  definition.steps.map((step) => ({
    stepIndex: step.index,
    name: step.name,
    status: step.index === FIRST.stepIndex ? 'RUNNING' : 'PENDING',
    attempts: step.index === FIRST.stepIndex ? 1 : 0,
  }));

/** Creates the saga and its first command in the caller's transaction. */
export const createSagaStarter =
  (context: SagaEngineContext) =>
  async (tx: SqlExecutor, input: StartSagaInput): Promise<SagaView> => {
    const definition = context.definitionFor(input.type);
    const sagaId = input.sagaId ?? randomUUID();
    const now = context.clock();
    const envelope = buildCommand(definition, FIRST, {
      service: context.service,
      sagaId,
      data: input.data,
      reason: null,
      causationId: null,
      headers: input.headers ?? {},
    });
    // Held until the caller's transaction ends, so a concurrent start of the same key waits and then sees this saga.
    if (definition.oneActivePerKey) await lockBusinessKey(tx, definition.type, input.businessKey);
    const view = await insertSaga(
      tx,
      {
        id: sagaId,
        type: definition.type,
        status: 'RUNNING',
        currentStep: FIRST.stepIndex,
        data: input.data,
        stepAttempt: FIRST.attempt,
        deadlineAt: new Date(now.getTime() + backoffMs(context.policy, FIRST.attempt)),
        businessKey: input.businessKey,
        ownerId: input.ownerId,
        createdAt: now,
        updatedAt: now,
      },
      firstStepRows(definition),
      { ...FIRST, messageId: envelope.id, traceHeaders: envelope.headers },
      definition.oneActivePerKey,
    );
    if (!view) throw new SagaAlreadyActiveError(definition.type, input.businessKey);
    await enqueueMessages(tx, [envelope]);
    context.metrics.started.inc({ type: definition.type });
    context.logger.debug({ sagaId, sagaType: definition.type, businessKey: input.businessKey, messageId: envelope.id }, 'saga started');
    return view;
  };
