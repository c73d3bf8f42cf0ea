import type { AccountMessages, Result } from '@ordering/contracts';
import type { AccountExecutor } from '../db/account-database.js';
import { lockOrOpenAccount } from '../db/account-repository.js';
import { findOperations, recordOperation, recordOperationWithChange } from '../db/account-operation-repository.js';
import { debitOutcome, decideDebit, failedDebit, type Debited } from '../domain/account-operations.js';
import { debit } from '../domain/balance-rules.js';

/**
 * Checkout's payment step: takes the order's total from the customer's account, or refuses with
 * INSUFFICIENT_FUNDS and leaves the balance untouched. The outcome is recorded by order, so a repeated command
 * gets the same answer (a refusal stays a refusal even after a deposit), and a debit that comes after the order's
 * refund was recorded is refused as COMPENSATED.
 */
export const debitAccount = async (tx: AccountExecutor, command: AccountMessages.DebitAccount): Promise<Result<Debited, string>> => {
  const { customerId, orderId, amount } = command;
  await lockOrOpenAccount(tx, customerId);
  const decision = decideDebit(await findOperations(tx, orderId));
  if (decision.action === 'repeat') return debitOutcome(decision.operation);
  if (decision.action === 'refuse')
    return debitOutcome(await recordOperation(tx, failedDebit({ orderId, customerId }, amount, decision.reason)));

  const change = debit(amount, orderId);
  if (!change.ok) return debitOutcome(await recordOperation(tx, failedDebit({ orderId, customerId }, amount, change.failure)));
  // The balance guard's refusal is INSUFFICIENT_FUNDS, recorded like any failed debit.
  const refused = failedDebit({ orderId, customerId }, amount, 'INSUFFICIENT_FUNDS');
  const recorded = await recordOperationWithChange(tx, { orderId, customerId, kind: 'DEBIT' }, change.value, refused);
  return debitOutcome(recorded ?? refused);
};
