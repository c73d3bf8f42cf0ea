import type { OrderMessages } from '@ordering/contracts';
import type { OrderExecutor } from '../db/order-repository.js';
import type { StepOutcome } from '../domain/order-steps.js';
import { advanceOrderById, withoutData } from './advance-order.js';

/** Cancellation's last step, after the refund: CANCEL_PENDING -> CANCELLED. */
export const confirmCancel = async (tx: OrderExecutor, command: OrderMessages.ConfirmCancel): Promise<StepOutcome> =>
  withoutData(await advanceOrderById(tx, command.orderId, 'CONFIRM_CANCEL'));
