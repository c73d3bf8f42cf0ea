import type { Envelope } from '@ordering/contracts';
import type { MessageHandler } from '@ordering/messaging';
import type { SqlExecutor } from '@ordering/platform';
import { stateOf, type ApplyTransition } from './apply-transition.js';
import type { SagaDefinition, SucceededReply } from './saga-definition.js';
import type { SagaEngineContext } from './saga-engine-context.js';
import { lockSagaOfCommand } from './saga-locks.js';
import { decide, type Direction, type SagaEvent } from './saga-state-machine.js';
import type { SettledStep } from './transition-observations.js';

type ReplyOutcome = { outcome: 'SUCCEEDED'; reply: SucceededReply } | { outcome: 'FAILED'; reason: string };

/** The consumer validated the payload against its contract, so only which of the two outcomes it is needs reading. */
const readOutcome = (payload: unknown): ReplyOutcome => {
  const reply = payload as SucceededReply | { outcome: 'FAILED'; reason: string };
  return reply.outcome === 'SUCCEEDED' ? { outcome: 'SUCCEEDED', reply } : { outcome: 'FAILED', reason: reply.reason };
};

const eventOf = (stepIndex: number, direction: Direction, outcome: ReplyOutcome): SagaEvent =>
  outcome.outcome === 'SUCCEEDED'
    ? { kind: 'reply', stepIndex, direction, outcome: 'SUCCEEDED' }
    : { kind: 'reply', stepIndex, direction, outcome: 'FAILED', reason: outcome.reason };

/** Every reply type the definitions expect, forward and compensation. */
const replyTypesOf = (definitions: Iterable<SagaDefinition>): Set<string> => {
  const replyTypes = new Set<string>();
  for (const definition of definitions) {
    for (const step of definition.steps) {
      replyTypes.add(step.command.replyType);
      if (step.compensation) replyTypes.add(step.compensation.replyType);
    }
  }
  return replyTypes;
};

/** Decides a reply on its locked saga and applies the transition, or ignores a reply that answers nothing current. */
const createReplyHandler =
  (context: SagaEngineContext, apply: ApplyTransition) =>
  async (tx: SqlExecutor, envelope: Envelope): Promise<void> => {
    const { logger, metrics } = context;
    const fields = {
      messageId: envelope.id,
      messageType: envelope.type,
      causationId: envelope.causationId,
      sagaId: envelope.correlationId,
    };
    const command = envelope.causationId ? await lockSagaOfCommand(tx, envelope.causationId) : undefined;
    // The command's rows go with its saga's (and with the retention), so a missing saga is a missing command too.
    if (!command) {
      logger.warn(fields, 'reply to a command this orchestrator never sent, ignored');
      return;
    }
    const { saga } = command;
    const definition = context.definitionFor(saga.type);
    const step = definition.steps[command.stepIndex];
    const expectedType = command.direction === 'FORWARD' ? step?.command.replyType : step?.compensation?.replyType;
    if (envelope.type !== expectedType || envelope.correlationId !== saga.id) {
      logger.warn({ ...fields, expectedType }, 'reply does not answer the command it names, ignored');
      return;
    }
    const outcome = readOutcome(envelope.payload);
    const decision = decide(
      stateOf(saga, definition, command.stepStatuses),
      eventOf(command.stepIndex, command.direction, outcome),
      context.policy,
    );
    if (decision.kind === 'ignore') {
      metrics.staleReplies.inc({ type: saga.type });
      logger.info(
        { ...fields, why: decision.why, step: step?.name, direction: command.direction },
        'stale or duplicate saga reply ignored',
      );
      return;
    }
    // A failure that will be sent again has not settled the step: its duration is observed once, when it does.
    const settled: SettledStep | undefined =
      decision.note === 'retry-after-failure'
        ? undefined
        : { stepIndex: command.stepIndex, direction: command.direction, outcome: outcome.outcome, startedAt: command.stepStartedAt };
    await apply(tx, saga, definition, decision, {
      reply: outcome.outcome === 'SUCCEEDED' ? outcome.reply : undefined,
      causationId: envelope.id,
      headers: envelope.headers,
      ...(settled ? { settled } : {}),
      history: {
        event: 'reply',
        stepIndex: command.stepIndex,
        direction: command.direction,
        outcome: outcome.outcome,
        messageId: envelope.id,
        reason: outcome.outcome === 'FAILED' ? outcome.reason : null,
        actor: null,
      },
    });
  };

/** One handler per reply type the definitions expect, for the consumer runtime. */
export const createReplyHandlers = (context: SagaEngineContext, apply: ApplyTransition): MessageHandler<SqlExecutor>[] => {
  const handle = createReplyHandler(context, apply);
  return [...replyTypesOf(context.definitions.values())].map((type) => ({ type, handle }));
};
