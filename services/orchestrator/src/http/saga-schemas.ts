import { PageQuery } from '@ordering/platform';
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });

export const SAGA_TYPES = ['checkout', 'cancel-order'] as const;
export const SAGA_STATUSES = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'ABORTED'] as const;

export const CheckoutBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        { menuItemId: Uuid, quantity: Type.Integer({ minimum: 1, maximum: 100 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
  },
  { additionalProperties: false },
);
export type CheckoutBody = Static<typeof CheckoutBody>;

export const WaitQuery = Type.Object({
  wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 30, description: 'Hold the request up to this many seconds until the saga is terminal' })),
});

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});

export const SagaParams = Type.Object({
  sagaId: Type.String({ format: 'uuid', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' }),
});

export const OrderParams = Type.Object({
  id: Type.String({ format: 'uuid', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' }),
});

export const AdminSagasQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(Type.Enum(SAGA_STATUSES)),
  type: Type.Optional(Type.Enum(SAGA_TYPES)),
});
