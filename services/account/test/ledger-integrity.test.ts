import { describe, expect, it } from 'vitest';
import { useAccountService } from './support/use-account-service.js';
import { balanceFromLedger } from '../src/domain/balance-rules.js';
import { aCustomerId, aDepositRequest } from './builders.js';

const service = useAccountService();

const aCustomerWithDeposits = async (...amounts: number[]): Promise<string> => {
  const customerId = aCustomerId();
  const token = await service.tokenFor(customerId);
  for (const amount of amounts) expect((await service.deposit(token, aDepositRequest(amount))).statusCode).toBe(201);
  return customerId;
};

describe('the database guards the money on its own', () => {
  it('when a ledger entry is updated with raw SQL, then the database refuses', async () => {
    const customerId = await aCustomerWithDeposits(100);
    await expect(
      service.database.pool.query('update ledger_entries set amount = 1000000 where customer_id = $1', [customerId]),
    ).rejects.toThrow(/append-only/);
    expect(await service.ledgerOf(customerId)).toEqual([{ kind: 'DEPOSIT', amount: 100, balanceAfter: 100 }]);
  });

  it('when a ledger entry is deleted with raw SQL, then the database refuses', async () => {
    const customerId = await aCustomerWithDeposits(100);
    await expect(service.database.pool.query('delete from ledger_entries where customer_id = $1', [customerId])).rejects.toThrow(
      /append-only/,
    );
    expect(await service.countRows('ledger_entries', customerId)).toBe(1);
  });

  it('when the ledger is truncated, then the database refuses', async () => {
    const customerId = await aCustomerWithDeposits(100);
    await expect(service.database.pool.query('truncate ledger_entries cascade')).rejects.toThrow(/append-only/);
    expect(await service.countRows('ledger_entries', customerId)).toBe(1);
  });

  it('when a balance is set below zero with raw SQL, then the CHECK constraint refuses', async () => {
    const customerId = await aCustomerWithDeposits(100);
    await expect(service.database.pool.query('update accounts set balance = -1 where customer_id = $1', [customerId])).rejects.toThrow(
      /accounts_balance_non_negative/,
    );
    expect(await service.balanceOf(customerId)).toBe(100);
  });

  it('when an entry with a non-positive amount or unknown kind is inserted, then the CHECK constraints refuse', async () => {
    const customerId = await aCustomerWithDeposits(100);
    const insert = (kind: string, amount: number) =>
      service.database.pool.query(
        'insert into ledger_entries (id, customer_id, kind, amount, balance_after) values (gen_random_uuid(), $1, $2, $3, 0)',
        [customerId, kind, amount],
      );
    await expect(insert('DEPOSIT', 0)).rejects.toThrow(/ledger_entries_amount_positive/);
    await expect(insert('GIFT', 10)).rejects.toThrow(/ledger_entries_kind_known/);
  });

  it('when deposits were made, then the balance equals the sum of the ledger', async () => {
    const customerId = await aCustomerWithDeposits(100, 2_000, 35);
    const balance = await service.balanceOf(customerId);
    expect(balance).toBe(balanceFromLedger(await service.ledgerOf(customerId)));
    expect(balance).toBe(2_135);
  });
});
