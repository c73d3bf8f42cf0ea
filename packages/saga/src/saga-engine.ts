import { randomUUID } from 'node:crypto';
import type { Envelope } from '@ordering/contracts';
import { enqueueMessages, type MessageHandler } from '@ordering/messaging';
import { activeTraceHeaders, isUniqueViolation, type Logger, type ServiceMetrics, type SqlExecutor } from '@ordering/platform';
import { buildCommand } from './saga-command.js';
import type { SagaDefinition, SucceededReply } from './saga-definition.js';
import { SagaAlreadyActiveError, SagaVersionConflictError, UnknownSagaTypeError } from './saga-errors.js';
import { createSagaMetrics, initialiseSagaMetrics, NO_REASON, STEP_TIMED_OUT, type SagaMetrics } from './saga-metrics.js';
import {
  claimDueSagas,
  insertSaga,
  latestCommandTraceHeaders,
  loadSteps,
  lockSagaOfCommand,
  updateSaga,
  writeTransition,
  type SagaDatabase,
  type SagaRecord,
  type SagaView,
  type StepChange,
} from './saga-repository.js';
import {
  backoffMs,
  decide,
  isTerminal,
  type CommandToSend,
  type Direction,
  type RetryPolicy,
  type SagaEvent,
  type SagaState,
  type StepStatus,
  type Transition,
} from './saga-state-machine.js';
import { traceTransition } from './saga-tracing.js';

export interface SagaEngineOptions {
  definitions: readonly SagaDefinition[];
  /** The sending service: the `source` of every command. */
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
  /** How long to wait for the reply to a first send (default 10 s); later sends wait longer (backoff). */
  stepTimeoutMs?: number;
  /** Sends of a compensatable step before it times out and the saga compensates (default 3). */
  maxForwardAttempts?: number;
  /** The cap of the backoff between resends (default 60 s). */
  retryBackoffMs?: number;
  /** Sagas claimed per sweeper transaction (default 20). */
  sweepBatchSize?: number;
  /** The clock; deadlines and timestamps use it, so tests move time instead of sleeping. */
  now?: () => Date;
}

export interface StartSagaInput {
  type: string;
  sagaId?: string;
  orderId: string;
  customerId: string;
  /** The saga's working data, stored as JSON; the definition's command builders read it. */
  data: object;
  /** Trace context to carry on the first command. */
  headers?: Envelope['headers'];
}

export interface SweepResult {
  /** Sagas whose deadline had passed and that this pass took. */
  claimed: number;
  /** Commands or compensations sent again (with a new message id). */
  resent: number;
  /** Compensatable steps given up after their last attempt: the saga started compensating (or aborted). */
  timedOut: number;
  /** Sagas that could not be handled (logged, postponed). */
  failed: number;
}

export interface SagaEngine {
  /** Creates the saga and its first command in the caller's transaction. */
  start(tx: SqlExecutor, input: StartSagaInput): Promise<SagaView>;
  /** One handler per reply type the definitions expect, for the consumer runtime. */
  replyHandlers(): MessageHandler<SqlExecutor>[];
  /** One pass over sagas whose deadline passed: resend, time out, or retry compensations. */
  sweep(db: SagaDatabase): Promise<SweepResult>;
  definitionOf(type: string): SagaDefinition | undefined;
}

type ReplyOutcome = { outcome: 'SUCCEEDED'; reply: SucceededReply } | { outcome: 'FAILED'; reason: string };

/** The step a transition settles (its reply arrived, or it timed out for good), for its duration. */
interface SettledStep {
  stepIndex: number;
  direction: Direction;
  outcome: 'SUCCEEDED' | 'FAILED' | typeof STEP_TIMED_OUT;
  /** When its first command was sent. */
  startedAt: Date;
}

const readOutcome = (payload: unknown): ReplyOutcome | undefined => {
  if (!payload || typeof payload !== 'object') return undefined;
  const record = payload as Record<string, unknown>;
  if (record['outcome'] === 'SUCCEEDED') return { outcome: 'SUCCEEDED', reply: record as SucceededReply };
  if (record['outcome'] === 'FAILED' && typeof record['reason'] === 'string') return { outcome: 'FAILED', reason: record['reason'] };
  return undefined;
};

const stateOf = (saga: SagaRecord, definition: SagaDefinition, stepStatuses: readonly StepStatus[]): SagaState => {
  if (stepStatuses.length !== definition.steps.length) {
    throw new Error(`saga ${saga.id} has ${stepStatuses.length} step rows but its definition '${definition.type}' has ${definition.steps.length} steps`);
  }
  return {
    status: saga.status,
    currentStep: saga.currentStep,
    stepAttempt: saga.stepAttempt,
    reason: saga.reason,
    steps: definition.steps.map((step, index) => ({ kind: step.kind, status: stepStatuses[index] ?? 'PENDING' })),
  };
};

/** The step rows a transition touches: its status changes and the send it counts, one change per row. */
const stepChangesOf = (transition: Transition): StepChange[] => {
  const changes = new Map<number, StepChange>();
  const changeOf = (stepIndex: number): StepChange => {
    const existing = changes.get(stepIndex);
    if (existing) return existing;
    const created: StepChange = { stepIndex, status: null, forwardSends: 0, compensationSends: 0 };
    changes.set(stepIndex, created);
    return created;
  };
  for (const change of transition.stepChanges) changeOf(change.stepIndex).status = change.status;
  if (transition.send) {
    const counted = changeOf(transition.send.stepIndex);
    if (transition.send.direction === 'FORWARD') counted.forwardSends += 1;
    else counted.compensationSends += 1;
  }
  return [...changes.values()];
};

const positive = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return value;
};

export const createSagaEngine = (options: SagaEngineOptions): SagaEngine => {
  const definitions = new Map<string, SagaDefinition>();
  for (const definition of options.definitions) {
    if (definitions.has(definition.type)) throw new Error(`saga type '${definition.type}' is defined twice`);
    definitions.set(definition.type, definition);
  }
  const policy: RetryPolicy = {
    stepTimeoutMs: positive('stepTimeoutMs', options.stepTimeoutMs ?? 10_000),
    maxForwardAttempts: positive('maxForwardAttempts', options.maxForwardAttempts ?? 3),
    retryBackoffMs: positive('retryBackoffMs', options.retryBackoffMs ?? 60_000),
  };
  const batchSize = positive('sweepBatchSize', options.sweepBatchSize ?? 20);
  const clock = options.now ?? (() => new Date());
  const logger = options.logger.child({ component: 'saga-engine' });
  const metrics: SagaMetrics = createSagaMetrics(options.metrics.registry);
  initialiseSagaMetrics(metrics, options.definitions);

  const definitionFor = (type: string): SagaDefinition => {
    const definition = definitions.get(type);
    if (!definition) throw new UnknownSagaTypeError(type);
    return definition;
  };

  /** Writes one transition: the saga row (version-checked), the step history, the next command and its outbox row, all in `tx`. */
  const apply = async (
    tx: SqlExecutor,
    saga: SagaRecord,
    definition: SagaDefinition,
    transition: Transition,
    cause: { reply?: SucceededReply; causationId: string | null; headers: Envelope['headers']; settled?: SettledStep },
  ): Promise<void> => {
    const now = clock();
    const folded = transition.foldReplyOf === null || !cause.reply ? undefined : definition.steps[transition.foldReplyOf];
    const data = folded && cause.reply ? folded.onSuccess(saga.data, cause.reply) : saga.data;
    // Inside the consumer span of the reply, so the next command continues the orchestrator's part of the trace.
    const headers = traceTransition(saga.type, transition, activeTraceHeaders() ?? cause.headers);
    const envelope = transition.send
      ? buildCommand(definition, transition.send, {
          service: options.service,
          sagaId: saga.id,
          data,
          reason: transition.reason,
          causationId: cause.causationId,
          headers,
        })
      : undefined;
    const finishing = isTerminal(transition.status);
    const written = await writeTransition(tx, {
      sagaId: saga.id,
      expectedVersion: saga.version,
      changes: {
        status: transition.status,
        currentStep: transition.currentStep,
        stepAttempt: transition.stepAttempt,
        reason: transition.reason,
        data,
        deadlineAt: transition.deadlineInMs === null ? null : new Date(now.getTime() + transition.deadlineInMs),
        updatedAt: now,
        finishedAt: finishing ? now : null,
      },
      steps: stepChangesOf(transition),
      command: transition.send && envelope ? { ...transition.send, messageId: envelope.id, traceHeaders: envelope.headers } : null,
      finishing,
    });
    if (!written) throw new SagaVersionConflictError(saga.id, saga.version);
    if (envelope) await enqueueMessages(tx, [envelope]);

    const stepName = definition.steps[transition.currentStep]?.name;
    const context = { sagaId: saga.id, sagaType: saga.type, step: stepName, status: transition.status, reason: transition.reason ?? undefined };
    recordStepMetrics(saga.type, definition, transition, cause.settled, now);
    if (finishing) {
      metrics.finished.inc({ type: saga.type, status: transition.status, reason: transition.reason ?? NO_REASON });
      metrics.duration.observe({ type: saga.type, status: transition.status }, Math.max(0, now.getTime() - saga.createdAt.getTime()) / 1000);
    }
    logTransition(transition, context, envelope);
  };

  /** From memory only: the times it needs came with the rows the transition was decided on (no statement of its own). */
  const recordStepMetrics = (type: string, definition: SagaDefinition, transition: Transition, settled: SettledStep | undefined, now: Date): void => {
    const nameOf = (stepIndex: number): string => definition.steps[stepIndex]?.name ?? String(stepIndex);
    if (settled) {
      const seconds = Math.max(0, now.getTime() - settled.startedAt.getTime()) / 1000;
      metrics.stepDuration.observe({ type, step: nameOf(settled.stepIndex), direction: settled.direction, outcome: settled.outcome }, seconds);
    }
    const send = transition.send;
    if (send && send.attempt > 1) metrics.stepRetries.inc({ type, step: nameOf(send.stepIndex) });
    if (send && send.direction === 'COMPENSATION' && send.attempt === 1) metrics.compensations.inc({ type, step: nameOf(send.stepIndex) });
  };

  const logTransition = (transition: Transition, context: Record<string, unknown>, envelope: Envelope | undefined): void => {
    const fields = { ...context, messageId: envelope?.id, messageType: envelope?.type, attempt: transition.send?.attempt };
    switch (transition.note) {
      case 'timed-out':
        return logger.warn(fields, 'saga step timed out, compensating');
      case 'retry-after-failure':
        return logger.warn(fields, 'saga step failed, it will be sent again after a backoff');
      case 'resent':
        return logger.info(fields, 'saga command sent again');
      default:
        // Every saga passes through these: at info they were a log line per step per saga (issue 10).
        return logger.debug(fields, `saga ${transition.note}`);
    }
  };

  const handleReply = async (tx: SqlExecutor, envelope: Envelope): Promise<void> => {
    const fields = { messageId: envelope.id, messageType: envelope.type, causationId: envelope.causationId, sagaId: envelope.correlationId };
    const command = envelope.causationId ? await lockSagaOfCommand(tx, envelope.causationId) : undefined;
    // The command's rows go with its saga's (and with the retention), so a missing saga is a missing command too.
    if (!command) {
      logger.warn(fields, 'reply to a command this orchestrator never sent, ignored');
      return;
    }
    const { saga } = command;
    const definition = definitionFor(saga.type);
    const step = definition.steps[command.stepIndex];
    const expectedType = command.direction === 'FORWARD' ? step?.command.replyType : step?.compensation?.replyType;
    if (envelope.type !== expectedType || envelope.correlationId !== saga.id) {
      logger.warn({ ...fields, expectedType }, 'reply does not answer the command it names, ignored');
      return;
    }
    const outcome = readOutcome(envelope.payload);
    // The consumer validated the payload against the contract, so this is a contract bug: fail loudly (dead letter).
    if (!outcome) throw new Error(`reply ${envelope.id} of type ${envelope.type} has no valid outcome`);
    const event: SagaEvent =
      outcome.outcome === 'SUCCEEDED'
        ? { kind: 'reply', stepIndex: command.stepIndex, direction: command.direction, outcome: 'SUCCEEDED' }
        : { kind: 'reply', stepIndex: command.stepIndex, direction: command.direction, outcome: 'FAILED', reason: outcome.reason };
    const decision = decide(stateOf(saga, definition, command.stepStatuses), event, policy);
    if (decision.kind === 'ignore') {
      metrics.staleReplies.inc({ type: saga.type });
      logger.info({ ...fields, why: decision.why, step: step?.name, direction: command.direction }, 'stale or duplicate saga reply ignored');
      return;
    }
    // A failure that will be sent again has not settled the step: its duration is observed once, when it does.
    const settled: SettledStep | undefined =
      decision.note === 'retry-after-failure' ? undefined : { stepIndex: command.stepIndex, direction: command.direction, outcome: outcome.outcome, startedAt: command.stepStartedAt };
    await apply(tx, saga, definition, decision, {
      reply: outcome.outcome === 'SUCCEEDED' ? outcome.reply : undefined,
      causationId: envelope.id,
      headers: envelope.headers,
      ...(settled ? { settled } : {}),
    });
  };

  const onDeadline = async (tx: SqlExecutor, saga: SagaRecord): Promise<Transition['note'] | undefined> => {
    const definition = definitionFor(saga.type);
    const steps = await loadSteps(tx, saga.id);
    const decision = decide(stateOf(saga, definition, steps.map((step) => step.status)), { kind: 'deadline' }, policy);
    if (decision.kind === 'ignore') return undefined;
    // A forward step's row turned RUNNING when its first command was sent, and resends leave its time alone.
    const startedAt = steps[saga.currentStep]?.updatedAt;
    const settled: SettledStep | undefined =
      decision.note === 'timed-out' && startedAt ? { stepIndex: saga.currentStep, direction: 'FORWARD', outcome: STEP_TIMED_OUT, startedAt } : undefined;
    // The sweeper traces nothing of its own; the command it sends continues the trace of the saga's latest send.
    await apply(tx, saga, definition, decision, { causationId: null, headers: await latestCommandTraceHeaders(tx, saga.id), ...(settled ? { settled } : {}) });
    return decision.note;
  };

  /** A saga that cannot be handled is looked at again later instead of on every pass. */
  const postpone = async (tx: SqlExecutor, saga: SagaRecord): Promise<void> => {
    const now = clock();
    await updateSaga(tx, saga.id, saga.version, {
      status: saga.status,
      currentStep: saga.currentStep,
      stepAttempt: saga.stepAttempt,
      reason: saga.reason,
      data: saga.data,
      deadlineAt: new Date(now.getTime() + policy.retryBackoffMs),
      updatedAt: now,
      finishedAt: saga.finishedAt,
    });
  };

  const sweepBatch = async (db: SagaDatabase, result: SweepResult): Promise<number> =>
    db.transaction(async (tx) => {
      const due = await claimDueSagas(tx, clock(), batchSize);
      for (const saga of due) {
        try {
          // A savepoint per saga: one broken saga must not roll back the others of its batch.
          const note = await tx.transaction((savepoint) => onDeadline(savepoint, saga));
          if (note === 'resent') result.resent += 1;
          if (note === 'timed-out') result.timedOut += 1;
        } catch (error) {
          result.failed += 1;
          logger.error({ err: error, sagaId: saga.id, sagaType: saga.type }, 'saga sweep failed for this saga, postponed');
          await postpone(tx, saga);
        }
      }
      return due.length;
    });

  return {
    definitionOf: (type) => definitions.get(type),

    async start(tx, input) {
      const definition = definitionFor(input.type);
      const sagaId = input.sagaId ?? randomUUID();
      const now = clock();
      const first: CommandToSend = { stepIndex: 0, direction: 'FORWARD', attempt: 1 };
      const envelope = buildCommand(definition, first, {
        service: options.service,
        sagaId,
        data: input.data,
        reason: null,
        causationId: null,
        headers: input.headers ?? {},
      });
      let view: SagaView;
      try {
        view = await insertSaga(
          tx,
          {
            id: sagaId,
            type: definition.type,
            status: 'RUNNING',
            currentStep: 0,
            data: input.data,
            stepAttempt: 1,
            deadlineAt: new Date(now.getTime() + backoffMs(policy, 1)),
            customerId: input.customerId,
            orderId: input.orderId,
            createdAt: now,
            updatedAt: now,
          },
          definition.steps.map((step) => ({
            stepIndex: step.index,
            name: step.name,
            status: step.index === first.stepIndex ? 'RUNNING' : 'PENDING',
            attempts: step.index === first.stepIndex ? 1 : 0,
          })),
          { ...first, messageId: envelope.id, traceHeaders: envelope.headers },
        );
      } catch (error) {
        if (isUniqueViolation(error, 'sagas_one_active_cancel_per_order')) throw new SagaAlreadyActiveError(definition.type, input.orderId, error);
        throw error;
      }
      await enqueueMessages(tx, [envelope]);
      metrics.started.inc({ type: definition.type });
      logger.debug({ sagaId, sagaType: definition.type, orderId: input.orderId, messageId: envelope.id }, 'saga started');
      return view;
    },

    replyHandlers() {
      const replyTypes = new Set<string>();
      for (const definition of definitions.values()) {
        for (const step of definition.steps) {
          replyTypes.add(step.command.replyType);
          if (step.compensation) replyTypes.add(step.compensation.replyType);
        }
      }
      return [...replyTypes].map((type) => ({ type, handle: handleReply }));
    },

    async sweep(db) {
      const result: SweepResult = { claimed: 0, resent: 0, timedOut: 0, failed: 0 };
      // Each saga swept gets a deadline in the future, so a pass ends; the cap keeps one pass short under load.
      for (let batch = 0; batch < 50; batch += 1) {
        const claimed = await sweepBatch(db, result);
        result.claimed += claimed;
        if (claimed < batchSize) break;
      }
      return result;
    },
  };
};
