import { Type, type Static } from 'typebox';
import { PositiveYen, ReasonCode, Uuid, Yen } from './primitives.js';

export const DebitAccount = Type.Object({ customerId: Uuid, orderId: Uuid, amount: PositiveYen }, { additionalProperties: false });
export const DebitAccountReply = Type.Union([
  Type.Object(
    { orderId: Uuid, outcome: Type.Literal('SUCCEEDED'), amount: PositiveYen, balanceAfter: Yen },
    { additionalProperties: false },
  ),
  Type.Object({ orderId: Uuid, outcome: Type.Literal('FAILED'), reason: ReasonCode }, { additionalProperties: false }),
]);

/** Refunds exactly what was debited for the order; a refund before any debit leaves a tombstone. */
export const RefundAccount = Type.Object({ customerId: Uuid, orderId: Uuid }, { additionalProperties: false });
export const RefundAccountReply = Type.Union([
  Type.Object({ orderId: Uuid, outcome: Type.Literal('SUCCEEDED'), refunded: Yen }, { additionalProperties: false }),
  Type.Object({ orderId: Uuid, outcome: Type.Literal('FAILED'), reason: ReasonCode }, { additionalProperties: false }),
]);

export type DebitAccount = Static<typeof DebitAccount>;
export type DebitAccountReply = Static<typeof DebitAccountReply>;
export type RefundAccount = Static<typeof RefundAccount>;
export type RefundAccountReply = Static<typeof RefundAccountReply>;
