import type { AccountMessages, Result } from '@ordering/contracts';
import type { AccountExecutor } from '../db/account-database.js';
import { lockOrOpenAccount } from '../db/account-repository.js';
import { findOperations, recordOperation, recordOperationWithChange } from '../db/account-operation-repository.js';
import { decideRefund, refundOutcome, refundTombstone, type Refunded } from '../domain/account-operations.js';
import { refund } from '../domain/balance-rules.js';

/**
 * Gives back exactly what was debited for the order (checkout's compensation, and cancellation's pivot). When
 * nothing was debited (the debit failed, or has not arrived yet) it records a tombstone and refunds 0, so a late
 * debit for the order is refused. Repeats are answered from the record and never refund twice.
 */
export const refundAccount = async (tx: AccountExecutor, command: AccountMessages.RefundAccount): Promise<Result<Refunded, string>> => {
  const { customerId, orderId } = command;
  await lockOrOpenAccount(tx, customerId);
  const decision = decideRefund(await findOperations(tx, orderId));
  if (decision.action === 'repeat') return refundOutcome(decision.operation);
  if (decision.action === 'tombstone') return refundOutcome(await recordOperation(tx, refundTombstone({ orderId, customerId })));

  const change = refund(decision.amount, orderId);
  if (!change.ok) throw new Error(`the recorded debit of order ${orderId} cannot be refunded: ${change.failure}`);
  // A refund only adds to a balance: the guard cannot refuse it, so nothing is recorded for a refusal.
  const recorded = await recordOperationWithChange(tx, { orderId, customerId: decision.customerId, kind: 'REFUND' }, change.value, null);
  if (!recorded) throw new Error(`a refund of order ${orderId} was refused by the balance guard`);
  return refundOutcome(recorded);
};
