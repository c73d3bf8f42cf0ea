import { MessageTypes, type Result } from '@ordering/contracts';
import type { MessageHandler } from '@ordering/messaging';
import type { Logger } from '@ordering/platform';
import { participantCommandHandlers, payloadOf, type ParticipantOutcome } from '@ordering/saga';
import type { AccountTx } from '../db/account-database.js';
import { debitAccount } from '../use-cases/debit-account.js';
import { openAccount } from '../use-cases/open-account.js';
import { refundAccount } from '../use-cases/refund-account.js';

/** The inbox consumer name of this service. */
export const ACCOUNT_CONSUMER = 'account';

export interface AccountMessageDeps {
  logger: Logger;
}

/** The ledger's outcomes name their failure; a saga reply calls it the reason. */
const asStepOutcome = <T extends object>(outcome: Result<T, string>): ParticipantOutcome<T> =>
  outcome.ok ? outcome : { ok: false, reason: outcome.failure };

/** The account service's part in the sagas, and its subscription to new customers. */
export const createAccountMessageHandlers = ({ logger }: AccountMessageDeps): MessageHandler<AccountTx>[] => [
  ...participantCommandHandlers({ service: ACCOUNT_CONSUMER, logger }, {
    [MessageTypes.DebitAccount]: {
      // INSUFFICIENT_FUNDS is the customer's; COMPENSATED is a saga that timed out and gave up first.
      unexpectedFailures: ['AMOUNT_OUT_OF_RANGE'],
      run: async (tx, command) => asStepOutcome(await debitAccount(tx, command)),
    },
    [MessageTypes.RefundAccount]: { unexpectedFailures: [], run: async (tx, command) => asStepOutcome(await refundAccount(tx, command)) },
  }),
  {
    type: MessageTypes.CustomerRegistered,
    handle: (tx, envelope) => openAccount(tx, payloadOf<typeof MessageTypes.CustomerRegistered>(envelope)),
  },
];
