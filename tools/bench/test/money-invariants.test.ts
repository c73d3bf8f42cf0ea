import { describe, expect, it } from 'vitest';
import { checkMoneyInvariants, type CustomerMoney, type Order } from '../src/money-invariants.js';

const CUSTOMER = 'c1';
const deposit = { id: 'e0', kind: 'DEPOSIT' as const, amount: 5000 };
const approved: Order = { id: 'o1', customerId: CUSTOMER, status: 'APPROVED', total: 1160 };
const debit = { id: 'e1', kind: 'DEBIT' as const, amount: 1160, orderId: 'o1' };

const money = (balance: number, ledger: CustomerMoney['ledger']): CustomerMoney[] => [{ customerId: CUSTOMER, balance, ledger }];

describe('checkMoneyInvariants', () => {
  it('when an approved order was debited once and the balance adds up, then there is no problem', () => {
    const result = checkMoneyInvariants(money(3840, [deposit, debit]), [approved], [{ sagaId: 's1', orderId: 'o1', status: 'COMPLETED' }]);
    expect(result).toMatchObject({ ok: true, problemCount: 0, customersChecked: 1, ordersChecked: 1, sagasChecked: 1 });
  });

  it('when an approved order was debited twice, then both the sum and the order are reported', () => {
    const twice = [deposit, debit, { ...debit, id: 'e2' }];
    const result = checkMoneyInvariants(money(2680, twice), [approved], []);
    expect(result.ok).toBe(false);
    expect(result.problems.join('\n')).toContain('debited 2 times');
    expect(result.problems.join('\n')).toContain('debits - refunds = 2320');
  });

  it('when an aborted saga left a debit behind or a saga never ended, then each is a problem', () => {
    const rejected: Order = { ...approved, status: 'REJECTED' };
    const result = checkMoneyInvariants(
      money(3840, [deposit, debit]),
      [rejected],
      [
        { sagaId: 's1', orderId: 'o1', status: 'ABORTED' },
        { sagaId: 's2', orderId: 'o2', status: undefined },
      ],
    );
    const text = result.problems.join('\n');
    expect(text).toContain('saga s1 ABORTED but order o1 has a net debit of 1160');
    expect(text).toContain('saga s2 never became terminal');
  });

  it('when the balance does not match the ledger, then that is a problem', () => {
    const result = checkMoneyInvariants(money(4000, [deposit, debit]), [approved], []);
    expect(result.problems).toEqual(['customer c1: balance 4000 != deposits 5000 - debits 1160 + refunds 0']);
  });
});
