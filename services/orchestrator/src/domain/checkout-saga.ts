import { MessageTypes } from '@ordering/contracts';
import { defineSaga, filledByEarlierStep } from '@ordering/saga';

export interface CheckoutData {
  orderId: string;
  customerId: string;
  items: { menuItemId: string; quantity: number }[];
  /**
   * Known once the order service priced the order: createOrder's onSuccess fills it, and the debit reads it. It
   * stays optional rather than a second data type per step because the engine stores one data shape per saga.
   */
  total?: number;
}

/**
 * Create the order (priced by the order service), take the money, approve. Both first steps can be undone;
 * once the money is taken and the order exists, approval is only ever retried forward.
 */
export const checkoutSaga = defineSaga<CheckoutData>({
  type: 'checkout',
  participantsReplyTo: 'orchestrator',
  steps: [
    {
      name: 'createOrder',
      kind: 'compensatable',
      participant: 'order',
      command: {
        type: MessageTypes.CreatePendingOrder,
        payload: (data) => ({ orderId: data.orderId, customerId: data.customerId, items: data.items }),
        onSuccess: (data, reply) => ({ ...data, total: reply.total }),
      },
      compensation: {
        participant: 'order',
        command: {
          type: MessageTypes.RejectOrder,
          payload: (data, { reason }) => ({ orderId: data.orderId, reason }),
        },
      },
    },
    {
      name: 'debitAccount',
      kind: 'compensatable',
      participant: 'account',
      command: {
        type: MessageTypes.DebitAccount,
        payload: (data) => ({ customerId: data.customerId, orderId: data.orderId, amount: filledByEarlierStep(data.total, 'total') }),
      },
      compensation: {
        participant: 'account',
        command: {
          type: MessageTypes.RefundAccount,
          payload: (data) => ({ customerId: data.customerId, orderId: data.orderId }),
        },
      },
    },
    {
      name: 'approveOrder',
      kind: 'retriable',
      participant: 'order',
      command: { type: MessageTypes.ApproveOrder, payload: (data) => ({ orderId: data.orderId }) },
    },
  ],
});
