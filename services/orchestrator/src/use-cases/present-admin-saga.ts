import { Uuid } from '@ordering/contracts';
import { SagaTimelineJsonSchema, SagaTimelineSagaSchema, type SagaDefinition, type SagaTimelineJson, type SagaView } from '@ordering/saga';
import { Type, type Static } from 'typebox';
import { OrderSagaJsonSchema, presentOrderSaga } from './present-order-saga.js';

/** The public Saga plus its owner: an admin sees whose saga it is. */
export const AdminSagaJsonSchema = Type.Object({ ...OrderSagaJsonSchema.properties, customerId: Uuid }, { additionalProperties: false });
export type AdminSagaJson = Static<typeof AdminSagaJsonSchema>;

export const presentAdminSaga = (view: SagaView, definition: SagaDefinition): AdminSagaJson => ({
  ...presentOrderSaga(view, definition),
  customerId: view.saga.ownerId,
});

const { businessKey: _businessKey, ownerId: _ownerId, ...engineFields } = SagaTimelineSagaSchema.properties;

/** The timeline of console-api.md: the saga in the API's terms (order id, customer id), the rest as the saga package shows it. */
export const AdminSagaTimelineSchema = Type.Object(
  {
    ...SagaTimelineJsonSchema.properties,
    saga: Type.Object({ ...engineFields, ...AdminSagaJsonSchema.properties }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type AdminSagaTimeline = Static<typeof AdminSagaTimelineSchema>;

export const presentAdminTimeline = (timeline: SagaTimelineJson): AdminSagaTimeline => {
  const { businessKey, ownerId, ...saga } = timeline.saga;
  return { ...timeline, saga: { ...saga, orderId: businessKey, customerId: ownerId } };
};
