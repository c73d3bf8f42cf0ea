import type { AccountMessages } from '@ordering/contracts';
import type { AccountExecutor } from '../db/account-database.js';
import { ensureAccount, lockAccount, recordBalanceChange } from '../db/account-repository.js';
import { findOperations, recordOperation } from '../db/account-operation-repository.js';
import { decideRefund, refundOutcome, refundTombstone, succeededOperation, type Refunded } from '../domain/account-operations.js';
import { refund } from '../domain/balance-rules.js';
import type { Outcome } from '../domain/outcome.js';

/**
 * Gives back exactly what was debited for the order (checkout's compensation, and cancellation's pivot). When
 * nothing was debited (the debit failed, or has not arrived yet) it records a tombstone and refunds 0, so a late
 * debit for the order is refused. Repeats are answered from the record and never refund twice.
 */
export const refundAccount = async (tx: AccountExecutor, command: AccountMessages.RefundAccount): Promise<Outcome<Refunded, string>> => {
  const { customerId, orderId } = command;
  await ensureAccount(tx, customerId);
  await lockAccount(tx, customerId);
  const decision = decideRefund(await findOperations(tx, orderId));
  if (decision.action === 'repeat') return refundOutcome(decision.operation);
  if (decision.action === 'tombstone') return refundOutcome(await recordOperation(tx, refundTombstone({ orderId, customerId })));

  const change = refund(decision.amount, orderId);
  if (!change.ok) throw new Error(`the recorded debit of order ${orderId} cannot be refunded: ${change.failure}`);
  const applied = await recordBalanceChange(tx, decision.customerId, change.value);
  if (!applied.ok) throw new Error(`a refund was refused with ${applied.failure}`);
  return refundOutcome(await recordOperation(tx, succeededOperation({ orderId, customerId: decision.customerId }, 'REFUND', applied.value.entry)));
};
