import { MESSAGE_CATALOG, MessageTypes } from '@ordering/contracts';
import { describe, expect, it } from 'vitest';
import { useAccountParticipant } from './support/use-account-service.js';
import { isLedgerConsistent } from '../src/domain/balance-rules.js';
import { createAccountMessageHandlers } from '../src/messages/account-message-handlers.js';
import { silentLogger } from './support/account-participant.js';
import { aCustomerId, aDebitAccount, anOrderId, aRefundAccount, aRetryOf } from './builders.js';

const { service, participant } = useAccountParticipant();

const aFundedCustomer = async (amount: number): Promise<string> => {
  const customerId = aCustomerId();
  await participant.fund(customerId, amount);
  return customerId;
};

const expectLedgerConsistent = async (customerId: string): Promise<void> => {
  const balance = await service.balanceOf(customerId);
  expect(isLedgerConsistent(balance ?? -1, await service.ledgerOf(customerId))).toBe(true);
};

it('when the handlers are listed, then there is one per account command and one for CustomerRegistered', () => {
  const owned = Object.values(MESSAGE_CATALOG)
    .filter((contract) => contract.kind === 'command' && contract.owner === 'account')
    .map((contract) => contract.type);
  const types = createAccountMessageHandlers({ logger: silentLogger() }).map((handler) => handler.type);
  expect(types.sort()).toEqual([...owned, MessageTypes.CustomerRegistered].sort());
});

describe('account.DebitAccount', () => {
  it('when the balance covers the amount, then it is debited, the entry names the order, and a SUCCEEDED reply waits for the orchestrator', async () => {
    const customerId = await aFundedCustomer(5_000);
    const command = aDebitAccount({ customerId, amount: 1_200 });

    const reply = await participant.send(command);

    expect(reply).toMatchObject({
      type: MessageTypes.DebitAccountReply,
      source: 'account',
      destination: 'orchestrator',
      correlationId: command.correlationId,
      causationId: command.id,
      payload: { orderId: command.payload.orderId, outcome: 'SUCCEEDED', amount: 1_200, balanceAfter: 3_800 },
    });
    expect(await service.balanceOf(customerId)).toBe(3_800);
    expect(await participant.ledgerOfOrder(command.payload.orderId)).toEqual([{ kind: 'DEBIT', amount: 1_200, customerId }]);
    const entries = (await service.entries(await service.tokenFor(customerId))).json();
    expect(entries.items[0]).toMatchObject({ kind: 'DEBIT', amount: 1_200, balanceAfter: 3_800, orderId: command.payload.orderId });
  });

  it('when the debit is repeated with a new message id, then the reply is the same and only one entry exists', async () => {
    const customerId = await aFundedCustomer(5_000);
    const command = aDebitAccount({ customerId, amount: 1_200 });
    const first = await participant.send(command);
    await participant.fund(customerId, 100);

    const again = await participant.send(aRetryOf(command));

    expect(again.payload).toEqual(first.payload);
    expect(await service.balanceOf(customerId)).toBe(3_900);
    expect(await participant.ledgerOfOrder(command.payload.orderId)).toHaveLength(1);
  });

  it('when the balance does not cover the amount, then it is FAILED INSUFFICIENT_FUNDS and the balance is untouched', async () => {
    const customerId = await aFundedCustomer(1_000);
    const command = aDebitAccount({ customerId, amount: 1_001 });

    const reply = await participant.send(command);

    expect(reply.payload).toEqual({ orderId: command.payload.orderId, outcome: 'FAILED', reason: 'INSUFFICIENT_FUNDS' });
    expect(await service.balanceOf(customerId)).toBe(1_000);
    expect(await participant.ledgerOfOrder(command.payload.orderId)).toEqual([]);
  });

  it('when a refused debit is retried after a deposit, then it still fails with the recorded outcome', async () => {
    const customerId = await aFundedCustomer(500);
    const command = aDebitAccount({ customerId, amount: 800 });
    await participant.send(command);
    await participant.fund(customerId, 10_000);

    const again = await participant.send(aRetryOf(command));

    expect(again.payload).toEqual({ orderId: command.payload.orderId, outcome: 'FAILED', reason: 'INSUFFICIENT_FUNDS' });
    expect(await service.balanceOf(customerId)).toBe(10_500);
    expect(await participant.ledgerOfOrder(command.payload.orderId)).toEqual([]);
  });

  it('when the customer has no account yet, then one is opened and the debit fails for funds', async () => {
    const command = aDebitAccount({ amount: 1 });
    expect((await participant.send(command)).payload).toMatchObject({ outcome: 'FAILED', reason: 'INSUFFICIENT_FUNDS' });
    expect(await service.balanceOf(command.payload.customerId)).toBe(0);
  });

  it('when the debit takes the balance exactly to zero, then it succeeds', async () => {
    const customerId = await aFundedCustomer(750);
    expect((await participant.send(aDebitAccount({ customerId, amount: 750 }))).payload).toMatchObject({
      outcome: 'SUCCEEDED',
      balanceAfter: 0,
    });
  });
});

describe('account.RefundAccount', () => {
  it('when the order was debited, then exactly that amount comes back, and a repeat refunds nothing more', async () => {
    const customerId = await aFundedCustomer(3_000);
    const debit = aDebitAccount({ customerId, amount: 2_140 });
    await participant.send(debit);
    const refund = aRefundAccount({ customerId, orderId: debit.payload.orderId });

    const first = await participant.send(refund);
    const again = await participant.send(aRetryOf(refund));

    const expected = { orderId: debit.payload.orderId, outcome: 'SUCCEEDED', refunded: 2_140 };
    expect([first.payload, again.payload]).toEqual([expected, expected]);
    expect(first).toMatchObject({ type: MessageTypes.RefundAccountReply, destination: 'orchestrator', causationId: refund.id });
    expect(await service.balanceOf(customerId)).toBe(3_000);
    expect(await participant.ledgerOfOrder(debit.payload.orderId)).toEqual([
      { kind: 'DEBIT', amount: 2_140, customerId },
      { kind: 'REFUND', amount: 2_140, customerId },
    ]);
    await expectLedgerConsistent(customerId);
  });

  it('when the refund arrives before the debit, then a tombstone refunds 0, and the late debit fails COMPENSATED with the balance untouched', async () => {
    const customerId = await aFundedCustomer(3_000);
    const orderId = anOrderId();

    const refund = await participant.send(aRefundAccount({ customerId, orderId }));
    const debit = await participant.send(aDebitAccount({ customerId, orderId, amount: 1_000 }));
    const debitAgain = await participant.send(aDebitAccount({ customerId, orderId, amount: 1_000 }));
    const refundAgain = await participant.send(aRefundAccount({ customerId, orderId }));

    expect(refund.payload).toEqual({ orderId, outcome: 'SUCCEEDED', refunded: 0 });
    expect(debit.payload).toEqual({ orderId, outcome: 'FAILED', reason: 'COMPENSATED' });
    expect(debitAgain.payload).toEqual(debit.payload);
    expect(refundAgain.payload).toEqual(refund.payload);
    expect(await service.balanceOf(customerId)).toBe(3_000);
    expect(await participant.ledgerOfOrder(orderId)).toEqual([]);
    expect(await participant.operationsOf(orderId)).toEqual([
      { kind: 'DEBIT', outcome: 'FAILED', reason: 'COMPENSATED', amount: 1_000 },
      { kind: 'REFUND', outcome: 'TOMBSTONE', reason: null, amount: 0 },
    ]);
  });

  it('when the debit had failed for funds, then the refund leaves a tombstone and gives nothing back', async () => {
    const customerId = await aFundedCustomer(100);
    const debit = aDebitAccount({ customerId, amount: 500 });
    await participant.send(debit);

    const refund = await participant.send(aRefundAccount({ customerId, orderId: debit.payload.orderId }));

    expect(refund.payload).toEqual({ orderId: debit.payload.orderId, outcome: 'SUCCEEDED', refunded: 0 });
    expect(await service.balanceOf(customerId)).toBe(100);
  });
});

describe('concurrency', () => {
  it('when a debit and its refund race for 20 orders, then each order was either debited and refunded, or tombstoned and never debited', async () => {
    const amount = 300;
    const customerId = await aFundedCustomer(20 * amount);
    const orderIds = Array.from({ length: 20 }, () => anOrderId());
    const pairs = orderIds.map((orderId) => ({
      debit: aDebitAccount({ customerId, orderId, amount }),
      refund: aRefundAccount({ customerId, orderId }),
    }));

    await Promise.all(pairs.flatMap(({ debit, refund }) => [participant.deliver(debit), participant.deliver(refund)]));

    for (const { debit, refund } of pairs) {
      const { orderId } = debit.payload;
      const [debitReply] = await participant.repliesTo(debit);
      const [refundReply] = await participant.repliesTo(refund);
      const ledger = await participant.ledgerOfOrder(orderId);
      if (debitReply?.payload && (debitReply.payload as { outcome: string }).outcome === 'SUCCEEDED') {
        expect(refundReply?.payload).toEqual({ orderId, outcome: 'SUCCEEDED', refunded: amount });
        expect(ledger.map((entry) => [entry.kind, entry.amount])).toEqual([
          ['DEBIT', amount],
          ['REFUND', amount],
        ]);
      } else {
        expect(debitReply?.payload).toEqual({ orderId, outcome: 'FAILED', reason: 'COMPENSATED' });
        expect(refundReply?.payload).toEqual({ orderId, outcome: 'SUCCEEDED', refunded: 0 });
        expect(ledger).toEqual([]);
      }
    }
    expect(await service.balanceOf(customerId)).toBe(20 * amount);
    await expectLedgerConsistent(customerId);
  });

  it('when 50 debits race on an account that covers exactly 20, then exactly 20 succeed and the balance ends at 0', async () => {
    const amount = 450;
    const customerId = await aFundedCustomer(20 * amount);
    const commands = Array.from({ length: 50 }, () => aDebitAccount({ customerId, amount }));

    await Promise.all(commands.map((command) => participant.deliver(command)));

    const outcomes = await Promise.all(
      commands.map(async (command) => ((await participant.repliesTo(command))[0]?.payload as { outcome: string; reason?: string }) ?? {}),
    );
    expect(outcomes.filter((payload) => payload.outcome === 'SUCCEEDED')).toHaveLength(20);
    expect(outcomes.filter((payload) => payload.outcome === 'FAILED' && payload.reason === 'INSUFFICIENT_FUNDS')).toHaveLength(30);
    expect(await service.balanceOf(customerId)).toBe(0);
    expect((await service.ledgerOf(customerId)).filter((entry) => entry.kind === 'DEBIT')).toHaveLength(20);
    await expectLedgerConsistent(customerId);
  });

  it('when copies of one debit race, then the account is debited once and every copy gets the same reply', async () => {
    const customerId = await aFundedCustomer(10_000);
    const command = aDebitAccount({ customerId, amount: 1_000 });
    const copies = Array.from({ length: 10 }, () => aRetryOf(command));

    await Promise.all(copies.map((copy) => participant.deliver(copy)));

    const payloads = (await Promise.all(copies.map((copy) => participant.repliesTo(copy)))).flat().map((reply) => reply.payload);
    expect(payloads).toEqual(
      Array.from({ length: 10 }, () => ({ orderId: command.payload.orderId, outcome: 'SUCCEEDED', amount: 1_000, balanceAfter: 9_000 })),
    );
    expect(await service.balanceOf(customerId)).toBe(9_000);
  });
});

describe('the database guards the saga operations on its own', () => {
  it('when a second DEBIT entry for the same order is inserted with raw SQL, then the unique index refuses it', async () => {
    const customerId = await aFundedCustomer(5_000);
    const command = aDebitAccount({ customerId, amount: 100 });
    await participant.send(command);

    await expect(
      service.database.pool.query(
        "insert into ledger_entries (id, customer_id, kind, amount, balance_after, order_id) values (gen_random_uuid(), $1, 'DEBIT', 100, 4800, $2)",
        [customerId, command.payload.orderId],
      ),
    ).rejects.toThrow(/ledger_entries_order_kind_key/);
  });

  it('when an operation claims success without a ledger entry, then the CHECK constraint refuses it', async () => {
    const customerId = await aFundedCustomer(100);
    await expect(
      service.database.pool.query(
        "insert into account_operations (order_id, kind, customer_id, outcome, amount) values ($1, 'DEBIT', $2, 'SUCCEEDED', 100)",
        [anOrderId(), customerId],
      ),
    ).rejects.toThrow(/account_operations_entry_iff_succeeded/);
  });
});
