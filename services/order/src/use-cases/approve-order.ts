import type { OrderMessages } from '@ordering/contracts';
import type { OrderExecutor } from '../db/order-repository.js';
import type { StepOutcome } from '../domain/order-steps.js';
import { advanceOrderById, withoutData } from './advance-order.js';

/** Checkout's last step, after the money was taken: PENDING -> APPROVED. */
export const approveOrder = async (tx: OrderExecutor, command: OrderMessages.ApproveOrder): Promise<StepOutcome> =>
  withoutData(await advanceOrderById(tx, command.orderId, 'APPROVE'));
