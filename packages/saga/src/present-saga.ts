import { Uuid } from '@ordering/contracts';
import { Type, type Static } from 'typebox';
import type { SagaDefinition } from './saga-definition.js';
import type { SagaRecord, SagaStepRecord } from './saga-records.js';
import { SAGA_STATUSES, STEP_STATUSES } from './saga-state-machine.js';

/** A saga as JSON: its business key and owner in the saga's terms; a service names them for its own API. */
export const SagaJsonSchema = Type.Object(
  {
    sagaId: Uuid,
    type: Type.String(),
    businessKey: Type.String(),
    ownerId: Type.String(),
    status: Type.Enum(SAGA_STATUSES),
    reason: Type.Optional(Type.String()),
    steps: Type.Array(Type.Object({ name: Type.String(), status: Type.Enum(STEP_STATUSES), at: Type.String({ format: 'date-time' }) })),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type SagaJson = Static<typeof SagaJsonSchema>;

/** One entry per definition step, in order; `reason` only once the saga is ABORTED. */
export const presentSaga = (saga: SagaRecord, steps: readonly SagaStepRecord[], definition: SagaDefinition): SagaJson => ({
  sagaId: saga.id,
  type: saga.type,
  businessKey: saga.businessKey,
  ownerId: saga.ownerId,
  status: saga.status,
  ...(saga.status === 'ABORTED' && saga.reason ? { reason: saga.reason } : {}),
  steps: definition.steps.map((step) => {
    const row = steps.find((candidate) => candidate.stepIndex === step.index);
    return { name: step.name, status: row?.status ?? 'PENDING', at: (row?.updatedAt ?? saga.createdAt).toISOString() };
  }),
  createdAt: saga.createdAt.toISOString(),
  updatedAt: saga.updatedAt.toISOString(),
});
