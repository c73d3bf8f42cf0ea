import { MessageTypes } from '@ordering/contracts';
import { defineSaga, filledByEarlierStep } from '../../src/index.js';
import { byCustomerAndOrder, byOrder, stepsOf } from './saga-step-builders.js';

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

const checkout = stepsOf<TestCheckoutData>();
const newOrder = (data: TestCheckoutData) => ({ ...byCustomerAndOrder(data), items: data.items });
const debitOfTotal = (data: TestCheckoutData) => ({ ...byCustomerAndOrder(data), amount: filledByEarlierStep(data.total, 'total') });

/** Shaped like the real checkout: create the order, take the money, approve (only forward once paid). */
export const testCheckoutSaga = defineSaga<TestCheckoutData>({
  type: TEST_CHECKOUT,
  participantsReplyTo: 'orchestrator',
  steps: [
    checkout.compensatable(
      'createOrder',
      checkout.orderDoes({ type: MessageTypes.CreatePendingOrder, payload: newOrder, onSuccess: checkout.keepTotal }),
      checkout.undoneBy('order', { type: MessageTypes.RejectOrder, payload: (data, { reason }) => ({ ...byOrder(data), reason }) }),
    ),
    checkout.compensatable(
      'debitAccount',
      checkout.accountDoes({ type: MessageTypes.DebitAccount, payload: debitOfTotal }),
      checkout.undoneBy('account', { type: MessageTypes.RefundAccount, payload: byCustomerAndOrder }),
    ),
    checkout.retriable('approveOrder', checkout.orderDoes({ type: MessageTypes.ApproveOrder, payload: byOrder })),
  ],
});

export interface TestCancelData {
  orderId: string;
  customerId: string;
  total?: number;
}

const cancel = stepsOf<TestCancelData>();

/** Shaped like the real cancel-order saga: its refund is a pivot (it cannot be undone). */
export const testCancelOrderSaga = defineSaga<TestCancelData>({
  type: 'cancel-order',
  participantsReplyTo: 'orchestrator',
  oneActivePerKey: true,
  steps: [
    cancel.compensatable(
      'beginCancel',
      cancel.orderDoes({ type: MessageTypes.BeginCancel, payload: byCustomerAndOrder, onSuccess: cancel.keepTotal }),
      cancel.undoneBy('order', { type: MessageTypes.UndoCancel, payload: byOrder }),
    ),
    cancel.pivot('refund', cancel.accountDoes({ type: MessageTypes.RefundAccount, payload: byCustomerAndOrder })),
    cancel.retriable('confirmCancel', cancel.orderDoes({ type: MessageTypes.ConfirmCancel, payload: byOrder })),
  ],
});

export const TEST_SAGAS = [testCheckoutSaga, testCancelOrderSaga];
