import { AccountMessages, CustomerMessages, MessageTypes } from '@ordering/contracts';
import type { MessageHandler } from '@ordering/messaging';
import type { Logger } from '@ordering/platform';
import type { AccountTx } from '../db/account-database.js';
import { debitAccount } from '../use-cases/debit-account.js';
import { openAccount } from '../use-cases/open-account.js';
import { refundAccount } from '../use-cases/refund-account.js';
import { commandHandler, decodePayload } from './command-handler.js';

/** The inbox consumer name of this service. */
export const ACCOUNT_CONSUMER = 'account';

export interface AccountMessageDeps {
  logger: Logger;
}

/** The account service's part in the sagas, and its subscription to new customers. */
export const createAccountMessageHandlers = ({ logger }: AccountMessageDeps): MessageHandler<AccountTx>[] => [
  commandHandler(logger, {
    type: MessageTypes.DebitAccount,
    replyType: MessageTypes.DebitAccountReply,
    schema: AccountMessages.DebitAccount,
    // INSUFFICIENT_FUNDS is the customer's; COMPENSATED is a saga that timed out and gave up first.
    unexpectedFailures: ['AMOUNT_OUT_OF_RANGE'],
    run: (tx, command: AccountMessages.DebitAccount) => debitAccount(tx, command),
  }),
  commandHandler(logger, {
    type: MessageTypes.RefundAccount,
    replyType: MessageTypes.RefundAccountReply,
    schema: AccountMessages.RefundAccount,
    unexpectedFailures: [],
    run: (tx, command: AccountMessages.RefundAccount) => refundAccount(tx, command),
  }),
  {
    type: MessageTypes.CustomerRegistered,
    handle: (tx, envelope) => openAccount(tx, decodePayload<CustomerMessages.CustomerRegistered>(CustomerMessages.CustomerRegistered, envelope)),
  },
];
