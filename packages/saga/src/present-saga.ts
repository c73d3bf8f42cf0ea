import { Uuid } from '@ordering/contracts';
import { Type, type Static } from 'typebox';
import type { SagaDefinition } from './saga-definition.js';
import type { SagaRecord, SagaStepRecord } from './saga-repository.js';
import { SAGA_STATUSES, STEP_STATUSES } from './saga-state-machine.js';

/** The API's Saga resource (see docs/api.md); routes use it as their response schema. */
export const SagaJsonSchema = Type.Object(
  {
    sagaId: Uuid,
    type: Type.String(),
    orderId: Uuid,
    status: Type.Enum(SAGA_STATUSES),
    reason: Type.Optional(Type.String()),
    steps: Type.Array(Type.Object({ name: Type.String(), status: Type.Enum(STEP_STATUSES), at: Type.String({ format: 'date-time' }) })),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type SagaJson = Static<typeof SagaJsonSchema>;

/** One entry per definition step, in order; `reason` only once the saga is ABORTED, as the API promises. */
export const presentSaga = (saga: SagaRecord, steps: readonly SagaStepRecord[], definition: SagaDefinition): SagaJson => ({
  sagaId: saga.id,
  type: saga.type,
  orderId: saga.orderId,
  status: saga.status,
  ...(saga.status === 'ABORTED' && saga.reason ? { reason: saga.reason } : {}),
  steps: definition.steps.map((step) => {
    const row = steps.find((candidate) => candidate.stepIndex === step.index);
    return { name: step.name, status: row?.status ?? 'PENDING', at: (row?.updatedAt ?? saga.createdAt).toISOString() };
  }),
  createdAt: saga.createdAt.toISOString(),
  updatedAt: saga.updatedAt.toISOString(),
});
