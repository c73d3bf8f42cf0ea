import { Type, type Static, type TSchema } from 'typebox';
import { PositiveYen, ReasonCode, Uuid, Yen } from './primitives.js';

const Succeeded = Type.Literal('SUCCEEDED');
const Failed = Type.Literal('FAILED');

/** Every reply says whether the step succeeded; a failure carries a stable reason code. */
const stepReply = <T extends Record<string, TSchema>>(onSuccess: T) =>
  Type.Union([
    Type.Object({ orderId: Uuid, outcome: Succeeded, ...onSuccess }, { additionalProperties: false }),
    Type.Object({ orderId: Uuid, outcome: Failed, reason: ReasonCode }, { additionalProperties: false }),
  ]);

export const CreatePendingOrder = Type.Object(
  {
    orderId: Uuid,
    customerId: Uuid,
    items: Type.Array(
      Type.Object({ menuItemId: Uuid, quantity: Type.Integer({ minimum: 1, maximum: 100 }) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 20 },
    ),
  },
  { additionalProperties: false },
);
export const CreatePendingOrderReply = stepReply({ total: PositiveYen, currency: Type.Literal('JPY') });

export const ApproveOrder = Type.Object({ orderId: Uuid }, { additionalProperties: false });
export const ApproveOrderReply = stepReply({});

export const RejectOrder = Type.Object({ orderId: Uuid, reason: ReasonCode }, { additionalProperties: false });
export const RejectOrderReply = stepReply({});

export const BeginCancel = Type.Object({ orderId: Uuid, customerId: Uuid }, { additionalProperties: false });
export const BeginCancelReply = stepReply({ total: Yen });

export const ConfirmCancel = Type.Object({ orderId: Uuid }, { additionalProperties: false });
export const ConfirmCancelReply = stepReply({});

export const UndoCancel = Type.Object({ orderId: Uuid }, { additionalProperties: false });
export const UndoCancelReply = stepReply({});

export type CreatePendingOrder = Static<typeof CreatePendingOrder>;
export type CreatePendingOrderReply = Static<typeof CreatePendingOrderReply>;
export type ApproveOrder = Static<typeof ApproveOrder>;
export type RejectOrder = Static<typeof RejectOrder>;
export type BeginCancel = Static<typeof BeginCancel>;
export type BeginCancelReply = Static<typeof BeginCancelReply>;
export type ConfirmCancel = Static<typeof ConfirmCancel>;
export type UndoCancel = Static<typeof UndoCancel>;
