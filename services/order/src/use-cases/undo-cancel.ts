import type { OrderMessages } from '@ordering/contracts';
import type { OrderExecutor } from '../db/order-repository.js';
import type { StepOutcome } from '../domain/order-steps.js';
import { advanceOrderById, withoutData } from './advance-order.js';

/** Compensates BeginCancel when the cancellation cannot go on: CANCEL_PENDING -> APPROVED. */
export const undoCancel = async (tx: OrderExecutor, command: OrderMessages.UndoCancel): Promise<StepOutcome> =>
  withoutData(await advanceOrderById(tx, command.orderId, 'UNDO_CANCEL'));
