import { UUID_PATTERN, Uuid } from '@ordering/contracts';
import { PageQuery } from '@ordering/platform';
import { Type, type Static } from 'typebox';
import { SAGA_STATUSES, SAGA_TYPES } from './saga-schemas.js';

/** A century in seconds: older or newer than that says nothing more, and bigger values would be no date at all. */
const MAX_AGE_SECONDS = 3_153_600_000;

/** The console's filters of sagas (console-api.md); every one given must hold. */
export const AdminSagaFilters = Type.Object({
  type: Type.Optional(Type.Enum(SAGA_TYPES)),
  reason: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'An exact reason code, e.g. INSUFFICIENT_FUNDS or TIMEOUT' }),
  ),
  customerId: Type.Optional(Uuid),
  olderThanSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_AGE_SECONDS, description: 'Created at least this long ago' })),
  newerThanSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_AGE_SECONDS, description: 'Created within this long' })),
  q: Type.Optional(
    Type.String({ format: 'uuid', pattern: UUID_PATTERN, description: 'The saga whose id, order id or customer id is this UUID' }),
  ),
});
export type AdminSagaFilters = Static<typeof AdminSagaFilters>;

export const AdminSagasQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(Type.Enum(SAGA_STATUSES)),
  ...AdminSagaFilters.properties,
});
export type AdminSagasQuery = Static<typeof AdminSagasQuery>;

export const AdminSagaCountsQuery = AdminSagaFilters;

export const SagaCountsSchema = Type.Object(
  {
    cap: Type.Integer(),
    counts: Type.Array(
      Type.Object({ status: Type.Enum(SAGA_STATUSES), count: Type.Integer(), atLeast: Type.Boolean() }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

export const AdminSagaParams = Type.Object({ sagaId: Uuid });
