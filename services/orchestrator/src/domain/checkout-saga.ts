import { MessageTypes, type AccountMessages, type OrderMessages } from '@ordering/contracts';
import { defineSaga } from '@ordering/saga';

export interface CheckoutData {
  orderId: string;
  customerId: string;
  items: { menuItemId: string; quantity: number }[];
  /** Known once the order service priced the order. */
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
        payload: (data): OrderMessages.CreatePendingOrder => ({ orderId: data.orderId, customerId: data.customerId, items: data.items }),
      },
      onSuccess: (data, reply) => ({ ...data, total: Number(reply['total']) }),
      compensation: {
        participant: 'order',
        command: {
          type: MessageTypes.RejectOrder,
          payload: (data, { reason }): OrderMessages.RejectOrder => ({ orderId: data.orderId, reason }),
        },
      },
    },
    {
      name: 'debitAccount',
      kind: 'compensatable',
      participant: 'account',
      command: {
        type: MessageTypes.DebitAccount,
        payload: (data): AccountMessages.DebitAccount => ({ customerId: data.customerId, orderId: data.orderId, amount: data.total ?? 0 }),
      },
      compensation: {
        participant: 'account',
        command: {
          type: MessageTypes.RefundAccount,
          payload: (data): AccountMessages.RefundAccount => ({ customerId: data.customerId, orderId: data.orderId }),
        },
      },
    },
    {
      name: 'approveOrder',
      kind: 'retriable',
      participant: 'order',
      command: { type: MessageTypes.ApproveOrder, payload: (data): OrderMessages.ApproveOrder => ({ orderId: data.orderId }) },
    },
  ],
});
