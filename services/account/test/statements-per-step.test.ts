import type { Envelope } from '@ordering/contracts';
import { statementsPerStep } from '@ordering/testing';
import { describe, expect, it } from 'vitest';
import { useAccountParticipant } from './support/use-account-service.js';
import { aCustomerId, aDebitAccount, aRefundAccount, aRetryOf } from './builders.js';

/**
 * Every statement is a round trip to PostgreSQL, and a checkout's cost is mostly round trips (issue 10). Counted here:
 * the handler's own statements and its reply's outbox row, without the transaction's BEGIN and COMMIT (the consumer
 * adds those and the inbox row).
 */
describe('statements per account step', () => {
  const { service, participant } = useAccountParticipant();

  const statementsOf = statementsPerStep(
    () => service.statementsSent(),
    (command: Envelope) => participant.deliver(command),
  );

  it('when a funded account is debited and then refunded, then each takes 4 statements (lock, recorded operations, change, reply)', async () => {
    const customerId = aCustomerId();
    await participant.fund(customerId, 5_000);
    const debit = aDebitAccount({ customerId, amount: 1_200 });

    expect(await statementsOf(debit)).toBe(4);
    expect(await statementsOf(aRefundAccount({ customerId, orderId: debit.payload.orderId }))).toBe(4);
    expect(await service.balanceOf(customerId)).toBe(5_000);
    // A repeat is answered from the record: lock, read, reply.
    expect(await statementsOf(aRetryOf(debit))).toBe(3);
  });

  it('when the balance does not cover the debit, then the refusal takes 4 statements too and is recorded', async () => {
    const customerId = aCustomerId();
    await participant.fund(customerId, 100);
    const debit = aDebitAccount({ customerId, amount: 1_200 });

    expect(await statementsOf(debit)).toBe(4);
    expect(await participant.operationsOf(debit.payload.orderId)).toEqual([
      { kind: 'DEBIT', outcome: 'FAILED', reason: 'INSUFFICIENT_FUNDS', amount: 1_200 },
    ]);
    expect(await service.balanceOf(customerId)).toBe(100);
  });

  it('when the customer has no account yet, then the debit opens it first (two statements more)', async () => {
    expect(await statementsOf(aDebitAccount({ customerId: aCustomerId(), amount: 1_200 }))).toBe(6);
  });
});
