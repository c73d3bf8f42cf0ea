import { randomUUID } from 'node:crypto';
import type { StartSagaInput } from '../src/index.js';
import { TEST_CHECKOUT, type OrderLine, type TestCheckoutData } from './support/test-sagas.js';

/** Every menu item costs this much in the simulated order service. */
export const UNIT_PRICE = 500;

export const anOrderLine = (quantity = 1): OrderLine => ({ menuItemId: randomUUID(), quantity });

export const aCheckout = (overrides: Partial<TestCheckoutData> = {}): StartSagaInput & { sagaId: string; data: TestCheckoutData } => {
  const data: TestCheckoutData = { orderId: randomUUID(), customerId: randomUUID(), items: [anOrderLine(2), anOrderLine(1)], ...overrides };
  return { type: TEST_CHECKOUT, sagaId: randomUUID(), businessKey: data.orderId, ownerId: data.customerId, data };
};

/** The same checkout under a new saga id: two runs of one scenario compare field by field. */
export const theSameCheckoutAgain = (checkout: ReturnType<typeof aCheckout>): ReturnType<typeof aCheckout> => ({
  ...checkout,
  sagaId: randomUUID(),
});

export const aCancellation = (orderId: string = randomUUID(), customerId: string = randomUUID()): StartSagaInput & { sagaId: string } => ({
  type: 'cancel-order',
  sagaId: randomUUID(),
  businessKey: orderId,
  ownerId: customerId,
  data: { orderId, customerId },
});

export const totalOf = (items: OrderLine[]): number => items.reduce((sum, line) => sum + line.quantity * UNIT_PRICE, 0);
