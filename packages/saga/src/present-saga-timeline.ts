import { Uuid } from '@ordering/contracts';
import { Type, type Static } from 'typebox';
import { presentSaga, SagaJsonSchema } from './present-saga.js';
import type { SagaDefinition } from './saga-definition.js';
import { legalRepairs, REPAIR_ACTIONS } from './saga-repairs.js';
import { SAGA_HISTORY_EVENTS } from './saga-schema.js';
import { DIRECTIONS, SAGA_STATUSES, STEP_STATUSES, type SagaState } from './saga-state-machine.js';
import type { SagaTimelineRecords } from './saga-timeline.js';

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const SagaTimelineStepSchema = Type.Object(
  {
    index: Type.Integer(),
    name: Type.String(),
    kind: Type.Enum(['compensatable', 'pivot', 'retriable']),
    status: Type.Enum(STEP_STATUSES),
    attempts: Type.Integer(),
    compensationAttempts: Type.Integer(),
    updatedAt: DateTime,
  },
  { additionalProperties: false },
);

export const SagaTimelineCommandSchema = Type.Object(
  {
    messageId: Uuid,
    stepIndex: Type.Integer(),
    stepName: Type.String(),
    direction: Type.Enum(DIRECTIONS),
    attempt: Type.Integer(),
    sentAt: DateTime,
    traceId: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const SagaHistoryEntrySchema = Type.Object(
  {
    id: Type.Integer(),
    at: DateTime,
    event: Type.Enum(SAGA_HISTORY_EVENTS),
    stepIndex: Nullable(Type.Integer()),
    stepName: Nullable(Type.String()),
    direction: Nullable(Type.Enum(DIRECTIONS)),
    outcome: Nullable(Type.String()),
    messageId: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    actor: Nullable(Type.String()),
    statusBefore: Type.Enum(SAGA_STATUSES),
    statusAfter: Type.Enum(SAGA_STATUSES),
    note: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

/** The saga's JSON plus what only an operator needs: where the engine stands and when it looks again. */
export const SagaTimelineSagaSchema = Type.Object(
  {
    ...SagaJsonSchema.properties,
    currentStep: Type.Integer(),
    stepAttempt: Type.Integer(),
    deadlineAt: Nullable(DateTime),
    finishedAt: Nullable(DateTime),
  },
  { additionalProperties: false },
);

/** The console's timeline of one saga (console-api.md), with the business key and owner in the saga's terms. */
export const SagaTimelineJsonSchema = Type.Object(
  {
    saga: SagaTimelineSagaSchema,
    steps: Type.Array(SagaTimelineStepSchema),
    commands: Type.Array(SagaTimelineCommandSchema),
    history: Type.Array(SagaHistoryEntrySchema),
    traceId: Nullable(Type.String()),
    traceUrl: Nullable(Type.String()),
    legalRepairs: Type.Array(Type.Enum(REPAIR_ACTIONS)),
  },
  { additionalProperties: false },
);
export type SagaTimelineJson = Static<typeof SagaTimelineJsonSchema>;

export interface TimelinePresentation {
  /** A tracing UI's URL with `{traceId}` in it; without one there is no traceUrl. */
  traceUrlTemplate?: string;
}

/** The state machine's view of the rows: what legalRepairs() decides on. */
const stateOf = (records: SagaTimelineRecords, definition: SagaDefinition): SagaState => ({
  status: records.saga.status,
  currentStep: records.saga.currentStep,
  stepAttempt: records.saga.stepAttempt,
  reason: records.saga.reason,
  steps: definition.steps.map((step) => ({
    kind: step.kind,
    status: records.steps.find((row) => row.stepIndex === step.index)?.status ?? 'PENDING',
  })),
});

const isoOrNull = (date: Date | null): string | null => date?.toISOString() ?? null;

export const presentSagaTimeline = (
  records: SagaTimelineRecords,
  definition: SagaDefinition,
  presentation: TimelinePresentation = {},
): SagaTimelineJson => {
  const { saga } = records;
  const stepName = (index: number | null): string | null => (index === null ? null : (definition.steps[index]?.name ?? null));
  const traceId = records.commands.find((command) => command.traceId !== null)?.traceId ?? null;
  const template = presentation.traceUrlTemplate;
  return {
    saga: {
      ...presentSaga(saga, records.steps, definition),
      currentStep: saga.currentStep,
      stepAttempt: saga.stepAttempt,
      deadlineAt: isoOrNull(saga.deadlineAt),
      finishedAt: isoOrNull(saga.finishedAt),
    },
    steps: definition.steps.map((step) => {
      const row = records.steps.find((candidate) => candidate.stepIndex === step.index);
      return {
        index: step.index,
        name: step.name,
        kind: step.kind,
        status: row?.status ?? 'PENDING',
        attempts: row?.attempts ?? 0,
        compensationAttempts: row?.compensationAttempts ?? 0,
        updatedAt: (row?.updatedAt ?? saga.createdAt).toISOString(),
      };
    }),
    commands: records.commands.map((command) => ({
      messageId: command.messageId,
      stepIndex: command.stepIndex,
      stepName: stepName(command.stepIndex) ?? `step ${command.stepIndex}`,
      direction: command.direction,
      attempt: command.attempt,
      sentAt: command.sentAt.toISOString(),
      traceId: command.traceId,
    })),
    history: records.history.map((entry) => ({
      id: entry.id,
      at: entry.at.toISOString(),
      event: entry.event,
      stepIndex: entry.stepIndex,
      stepName: stepName(entry.stepIndex),
      direction: entry.direction,
      outcome: entry.outcome,
      messageId: entry.messageId,
      reason: entry.reason,
      actor: entry.actor,
      statusBefore: entry.statusBefore,
      statusAfter: entry.statusAfter,
      note: entry.note,
    })),
    traceId,
    traceUrl: template && traceId ? template.replaceAll('{traceId}', traceId) : null,
    legalRepairs: legalRepairs(stateOf(records, definition)),
  };
};
