import { Uuid } from '@ordering/contracts';
import { Type, type Static } from 'typebox';

export const SAGA_TYPES = ['checkout', 'cancel-order'] as const;
export const SAGA_STATUSES = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'ABORTED'] as const;

export const CheckoutBody = Type.Object(
  {
    items: Type.Array(
      Type.Object({ menuItemId: Uuid, quantity: Type.Integer({ minimum: 1, maximum: 100 }) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 20 },
    ),
  },
  { additionalProperties: false },
);
export type CheckoutBody = Static<typeof CheckoutBody>;

export const WaitQuery = Type.Object({
  wait: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 30, description: 'Hold the request up to this many seconds until the saga is terminal' }),
  ),
});

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});

export const SagaParams = Type.Object({
  sagaId: Uuid,
});

export const OrderParams = Type.Object({
  id: Uuid,
});
