import { MessageTypes } from '@ordering/contracts';
import { defineSaga, filledByEarlierStep } from '../../src/index.js';

export interface OrderLine {
  menuItemId: string;
  quantity: number;
}

export interface TestCheckoutData {
  orderId: string;
  customerId: string;
  items: OrderLine[];
  total?: number;
}

export const TEST_CHECKOUT = 'test-checkout';

/** Shaped like the real checkout: create the order, take the money, approve (only forward once paid). */
export const testCheckoutSaga = defineSaga<TestCheckoutData>({
  type: TEST_CHECKOUT,
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
        command: { type: MessageTypes.RejectOrder, payload: (data, { reason }) => ({ orderId: data.orderId, reason }) },
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
        command: { type: MessageTypes.RefundAccount, payload: (data) => ({ customerId: data.customerId, orderId: data.orderId }) },
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

export interface TestCancelData {
  orderId: string;
  customerId: string;
  total?: number;
}

/** Shaped like the real cancel-order saga: its refund is a pivot (it cannot be undone). */
export const testCancelOrderSaga = defineSaga<TestCancelData>({
  type: 'cancel-order',
  participantsReplyTo: 'orchestrator',
  oneActivePerKey: true,
  steps: [
    {
      name: 'beginCancel',
      kind: 'compensatable',
      participant: 'order',
      command: {
        type: MessageTypes.BeginCancel,
        payload: (data) => ({ orderId: data.orderId, customerId: data.customerId }),
        onSuccess: (data, reply) => ({ ...data, total: reply.total }),
      },
      compensation: { participant: 'order', command: { type: MessageTypes.UndoCancel, payload: (data) => ({ orderId: data.orderId }) } },
    },
    {
      name: 'refund',
      kind: 'pivot',
      participant: 'account',
      command: { type: MessageTypes.RefundAccount, payload: (data) => ({ customerId: data.customerId, orderId: data.orderId }) },
    },
    {
      name: 'confirmCancel',
      kind: 'retriable',
      participant: 'order',
      command: { type: MessageTypes.ConfirmCancel, payload: (data) => ({ orderId: data.orderId }) },
    },
  ],
});

export const TEST_SAGAS = [testCheckoutSaga, testCancelOrderSaga];
