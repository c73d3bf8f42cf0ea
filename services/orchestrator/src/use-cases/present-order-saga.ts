import { Uuid } from '@ordering/contracts';
import { presentSaga, SagaJsonSchema, type SagaDefinition, type SagaView } from '@ordering/saga';
import { Type, type Static } from 'typebox';

const { sagaId, type, status, reason, steps, createdAt, updatedAt } = SagaJsonSchema.properties;

/** The API's Saga resource (see docs/api.md): a saga's business key is its order id; its owner is not shown. */
export const OrderSagaJsonSchema = Type.Object(
  { sagaId, type, orderId: Uuid, status, reason, steps, createdAt, updatedAt },
  { additionalProperties: false },
);
export type OrderSagaJson = Static<typeof OrderSagaJsonSchema>;

export const presentOrderSaga = (view: SagaView, definition: SagaDefinition): OrderSagaJson => {
  const { sagaId, type, businessKey, ownerId: _ownerId, ...rest } = presentSaga(view.saga, view.steps, definition);
  return { sagaId, type, orderId: businessKey, ...rest };
};
