import { MessageTypes } from '@ordering/contracts';
import type { MessageHandler } from '@ordering/messaging';
import type { Logger } from '@ordering/platform';
import { participantCommandHandlers, payloadOf } from '@ordering/saga';
import type { AccountTx } from '../db/account-database.js';
import { debitAccount } from '../use-cases/debit-account.js';
import { openAccount } from '../use-cases/open-account.js';
import { refundAccount } from '../use-cases/refund-account.js';

/** The inbox consumer name of this service. */
export const ACCOUNT_CONSUMER = 'account';

export interface AccountMessageDeps {
  logger: Logger;
}

/** The account service's part in the sagas, and its subscription to new customers. */
export const createAccountMessageHandlers = ({ logger }: AccountMessageDeps): MessageHandler<AccountTx>[] => [
  ...participantCommandHandlers(
    { service: ACCOUNT_CONSUMER, logger, replyKey: 'orderId' },
    {
      [MessageTypes.DebitAccount]: {
        // INSUFFICIENT_FUNDS is the customer's; COMPENSATED is a saga that timed out and gave up first.
        unexpectedFailures: ['AMOUNT_OUT_OF_RANGE'],
        run: (tx, command) => debitAccount(tx, command),
      },
      [MessageTypes.RefundAccount]: { unexpectedFailures: [], run: (tx, command) => refundAccount(tx, command) },
    },
  ),
  {
    type: MessageTypes.CustomerRegistered,
    handle: (tx, envelope) => openAccount(tx, payloadOf<typeof MessageTypes.CustomerRegistered>(envelope)),
  },
];
