import { cancelOrderSaga } from './cancel-order-saga.js';
import { checkoutSaga } from './checkout-saga.js';

export const SAGA_DEFINITIONS = [checkoutSaga, cancelOrderSaga];
