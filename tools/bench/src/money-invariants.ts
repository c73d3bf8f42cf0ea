/**
 * docs/api.md's money invariants as a pure check over what a client can read (accounts, ledgers, orders, sagas), so the
 * bench can report every problem instead of stopping at the first. Per customer, at a quiet moment:
 * - balance == sum(DEPOSIT) - sum(DEBIT) + sum(REFUND), and balance >= 0;
 * - sum(DEBIT) - sum(REFUND) == sum(total of orders APPROVED or CANCEL_PENDING);
 * and, order by order, what the checkout rules imply: an APPROVED order is debited exactly its total once, a
 * REJECTED or CANCELLED one has a net debit of 0, nothing stays PENDING; every saga is terminal, a COMPLETED saga's
 * order is APPROVED, an ABORTED saga's order is REJECTED or was never created.
 */

export interface LedgerEntry {
  readonly id: string;
  readonly kind: 'DEPOSIT' | 'DEBIT' | 'REFUND';
  readonly amount: number;
  readonly orderId?: string;
}

export interface Order {
  readonly id: string;
  readonly customerId: string;
  readonly status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCEL_PENDING' | 'CANCELLED';
  readonly total: number;
}

export interface CustomerMoney {
  readonly customerId: string;
  readonly balance: number;
  readonly ledger: readonly LedgerEntry[];
}

export interface SagaOutcome {
  readonly sagaId: string;
  readonly orderId: string;
  /** Undefined when the bench never saw it terminal. */
  readonly status: string | undefined;
}

export interface InvariantResult {
  readonly ok: boolean;
  readonly customersChecked: number;
  readonly ordersChecked: number;
  readonly sagasChecked: number;
  readonly problemCount: number;
  /** The first problems, each one line. */
  readonly problems: readonly string[];
}

const HOLDS_MONEY = new Set<Order['status']>(['APPROVED', 'CANCEL_PENDING']);
const KEPT_PROBLEMS = 20;

const sumOf = (entries: readonly LedgerEntry[], kind: LedgerEntry['kind']): number =>
  entries.filter((entry) => entry.kind === kind).reduce((total, entry) => total + entry.amount, 0);

/** Net money moved per order (DEBIT minus REFUND), and how many DEBIT entries each order has. */
const movementsByOrder = (
  ledger: readonly LedgerEntry[],
  problems: string[],
  customerId: string,
): { net: Map<string, number>; debits: Map<string, number> } => {
  const net = new Map<string, number>();
  const debits = new Map<string, number>();
  for (const entry of ledger) {
    if (entry.kind === 'DEPOSIT') continue;
    if (entry.orderId === undefined) {
      problems.push(`customer ${customerId}: ${entry.kind} ${entry.id} of ${entry.amount} names no order`);
      continue;
    }
    net.set(entry.orderId, (net.get(entry.orderId) ?? 0) + (entry.kind === 'DEBIT' ? entry.amount : -entry.amount));
    if (entry.kind === 'DEBIT') debits.set(entry.orderId, (debits.get(entry.orderId) ?? 0) + 1);
  }
  return { net, debits };
};

const checkCustomer = (money: CustomerMoney, orders: readonly Order[], problems: string[], netByOrder: Map<string, number>): void => {
  const who = `customer ${money.customerId}`;
  const deposits = sumOf(money.ledger, 'DEPOSIT');
  const debitSum = sumOf(money.ledger, 'DEBIT');
  const refunds = sumOf(money.ledger, 'REFUND');
  const held = orders.filter((order) => HOLDS_MONEY.has(order.status)).reduce((total, order) => total + order.total, 0);
  if (money.balance !== deposits - debitSum + refunds)
    problems.push(`${who}: balance ${money.balance} != deposits ${deposits} - debits ${debitSum} + refunds ${refunds}`);
  if (money.balance < 0) problems.push(`${who}: balance ${money.balance} is negative`);
  if (debitSum - refunds !== held)
    problems.push(`${who}: debits - refunds = ${debitSum - refunds}, but APPROVED/CANCEL_PENDING orders total ${held}`);

  const { net, debits } = movementsByOrder(money.ledger, problems, money.customerId);
  const own = new Set(orders.map((order) => order.id));
  for (const [orderId, amount] of net) {
    netByOrder.set(orderId, amount);
    if (!own.has(orderId)) problems.push(`${who}: the ledger moves ${amount} for order ${orderId}, which is not one of their orders`);
  }
  for (const order of orders) {
    const expected = HOLDS_MONEY.has(order.status) ? order.total : 0;
    const actual = net.get(order.id) ?? 0;
    if (actual !== expected)
      problems.push(`${who}: order ${order.id} is ${order.status} (total ${order.total}) but its net debit is ${actual}`);
    if ((debits.get(order.id) ?? 0) > 1) problems.push(`${who}: order ${order.id} was debited ${debits.get(order.id)} times`);
    if (order.status === 'PENDING') problems.push(`${who}: order ${order.id} is still PENDING at a quiet moment`);
  }
};

const checkSaga = (
  saga: SagaOutcome,
  orders: ReadonlyMap<string, Order>,
  netByOrder: ReadonlyMap<string, number>,
  problems: string[],
): void => {
  const order = orders.get(saga.orderId);
  const net = netByOrder.get(saga.orderId) ?? 0;
  if (saga.status === 'COMPLETED') {
    if (order?.status !== 'APPROVED')
      problems.push(`saga ${saga.sagaId} COMPLETED but its order ${saga.orderId} is ${order?.status ?? 'missing'}`);
    else if (net !== order.total)
      problems.push(`saga ${saga.sagaId} COMPLETED but order ${order.id} (total ${order.total}) has a net debit of ${net}`);
  } else if (saga.status === 'ABORTED') {
    if (order !== undefined && order.status !== 'REJECTED')
      problems.push(`saga ${saga.sagaId} ABORTED but its order ${order.id} is ${order.status}`);
    if (net !== 0) problems.push(`saga ${saga.sagaId} ABORTED but order ${saga.orderId} has a net debit of ${net}`);
  } else {
    problems.push(`saga ${saga.sagaId} never became terminal (last seen ${saga.status ?? 'never'})`);
  }
};

export const checkMoneyInvariants = (
  customers: readonly CustomerMoney[],
  orders: readonly Order[],
  sagas: readonly SagaOutcome[],
): InvariantResult => {
  const problems: string[] = [];
  const ordersOf = new Map<string, Order[]>();
  for (const order of orders) ordersOf.set(order.customerId, [...(ordersOf.get(order.customerId) ?? []), order]);
  const netByOrder = new Map<string, number>();
  for (const money of customers) checkCustomer(money, ordersOf.get(money.customerId) ?? [], problems, netByOrder);
  const byId = new Map(orders.map((order) => [order.id, order]));
  for (const saga of sagas) checkSaga(saga, byId, netByOrder, problems);
  return {
    ok: problems.length === 0,
    customersChecked: customers.length,
    ordersChecked: orders.length,
    sagasChecked: sagas.length,
    problemCount: problems.length,
    problems: problems.slice(0, KEPT_PROBLEMS),
  };
};
