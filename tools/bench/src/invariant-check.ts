import type { CheckoutRecord } from './checkout-load.js';
import { mapConcurrently, type BenchCustomer } from './customer-pool.js';
import { jsonOf, type HttpClient } from './http-client.js';
import { checkMoneyInvariants, type CustomerMoney, type InvariantResult, type LedgerEntry, type Order } from './money-invariants.js';

/** Reads what the money invariants need through the gateway, as any client could, and checks them. */

const PAGE = 100;

const readAllPages = async <T>(client: HttpClient, url: string, token: string, what: string): Promise<T[]> => {
  const items: T[] = [];
  for (let cursor: string | null = null; ;) {
    const page: { items: T[]; nextCursor: string | null } = jsonOf(
      await client.request(`${url}?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
        headers: { authorization: `Bearer ${token}` },
      }),
      what,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === null) return items;
  }
};

const readCustomerMoney = async (client: HttpClient, gatewayUrl: string, customer: BenchCustomer): Promise<CustomerMoney> => {
  const account = jsonOf<{ balance: number }>(
    await client.request(`${gatewayUrl}/api/accounts/me`, { headers: { authorization: `Bearer ${customer.token}` } }),
    'read an account',
  );
  const ledger = await readAllPages<LedgerEntry>(client, `${gatewayUrl}/api/accounts/me/entries`, customer.token, 'read a ledger');
  return { customerId: customer.id, balance: account.balance, ledger };
};

export const checkInvariantsThroughGateway = async (
  client: HttpClient,
  gatewayUrl: string,
  adminToken: string,
  customers: readonly BenchCustomer[],
  records: readonly CheckoutRecord[],
): Promise<InvariantResult> => {
  const orders = await readAllPages<Order>(client, `${gatewayUrl}/api/orders`, adminToken, 'list every order');
  const money = await mapConcurrently(customers, 8, (customer) => readCustomerMoney(client, gatewayUrl, customer));
  const sagas = records.flatMap((record) =>
    record.saga
      ? [
          {
            sagaId: record.saga.sagaId,
            orderId: record.saga.orderId,
            status: record.terminalAt === undefined ? undefined : record.saga.status,
          },
        ]
      : [],
  );
  return checkMoneyInvariants(money, orders, sagas);
};
