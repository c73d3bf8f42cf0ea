import { MessageTypes } from '@ordering/contracts';
import { defineSaga } from '@ordering/saga';

export interface CancelOrderData {
  orderId: string;
  customerId: string;
}

/**
 * Mark the order CANCEL_PENDING (atomically re-checking it is APPROVED), refund exactly what was debited, then
 * confirm. The refund is the point of no return: after it, confirmation is only ever retried forward.
 */
export const cancelOrderSaga = defineSaga<CancelOrderData>({
  type: 'cancel-order',
  participantsReplyTo: 'orchestrator',
  // Two concurrent cancellations of one order must not both run: the engine refuses the second start.
  oneActivePerKey: true,
  steps: [
    {
      name: 'beginCancel',
      kind: 'compensatable',
      participant: 'order',
      command: {
        type: MessageTypes.BeginCancel,
        payload: (data) => ({ orderId: data.orderId, customerId: data.customerId }),
      },
      compensation: {
        participant: 'order',
        command: { type: MessageTypes.UndoCancel, payload: (data) => ({ orderId: data.orderId }) },
      },
    },
    {
      name: 'refund',
      kind: 'pivot',
      participant: 'account',
      command: {
        type: MessageTypes.RefundAccount,
        payload: (data) => ({ customerId: data.customerId, orderId: data.orderId }),
      },
    },
    {
      name: 'confirmCancel',
      kind: 'retriable',
      participant: 'order',
      command: { type: MessageTypes.ConfirmCancel, payload: (data) => ({ orderId: data.orderId }) },
    },
  ],
});
