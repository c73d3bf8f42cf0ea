import { MessageTypes } from '@ordering/contracts';
import type { MessageHandler } from '@ordering/messaging';
import type { Logger } from '@ordering/platform';
import { participantCommandHandlers } from '@ordering/saga';
import type { OrderTx } from '../db/order-database.js';
import { ORDER_ID_CONFLICT } from '../domain/order-steps.js';
import { approveOrder } from '../use-cases/approve-order.js';
import { beginCancel } from '../use-cases/begin-cancel.js';
import { confirmCancel } from '../use-cases/confirm-cancel.js';
import { createPendingOrder } from '../use-cases/create-pending-order.js';
import { rejectOrder } from '../use-cases/reject-order.js';
import { undoCancel } from '../use-cases/undo-cancel.js';

/** The inbox consumer name of this service. */
export const ORDER_CONSUMER = 'order';

export interface OrderMessageDeps {
  logger: Logger;
}

/** The order service's part in the checkout and cancel-order sagas: one handler per command it owns. */
export const createOrderMessageHandlers = ({ logger }: OrderMessageDeps): MessageHandler<OrderTx>[] =>
  participantCommandHandlers(
    { service: ORDER_CONSUMER, logger, replyKey: 'orderId' },
    {
      [MessageTypes.CreatePendingOrder]: {
        // UNKNOWN_MENU_ITEM is the customer's; a tombstone's reason is a saga that gave up first.
        unexpectedFailures: [ORDER_ID_CONFLICT],
        run: (tx, command) => createPendingOrder(tx, command),
      },
      [MessageTypes.ApproveOrder]: { unexpectedFailures: 'all', run: (tx, command) => approveOrder(tx, command) },
      [MessageTypes.RejectOrder]: { unexpectedFailures: 'all', run: (tx, command) => rejectOrder(tx, command) },
      [MessageTypes.BeginCancel]: {
        // NOT_FOUND and ORDER_NOT_CANCELLABLE answer what the customer asked for.
        unexpectedFailures: [],
        run: (tx, command) => beginCancel(tx, command),
      },
      [MessageTypes.ConfirmCancel]: { unexpectedFailures: 'all', run: (tx, command) => confirmCancel(tx, command) },
      [MessageTypes.UndoCancel]: { unexpectedFailures: 'all', run: (tx, command) => undoCancel(tx, command) },
    },
  );
