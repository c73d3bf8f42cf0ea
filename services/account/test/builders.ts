import { randomUUID } from 'node:crypto';
import { MessageTypes, type AccountMessages, type CustomerMessages, type Envelope } from '@ordering/contracts';
import { createEnvelope } from '@ordering/messaging';
import type { EntryKind, LedgerEntry } from '../src/domain/account.js';
import type { AccountOperation } from '../src/domain/account-operations.js';

export const aCustomerId = (): string => randomUUID();

export const anIdempotencyKey = (): string => `deposit-${randomUUID()}`;

export const aDepositRequest = (amount = 1_000): { amount: number } => ({ amount });

export const anOrderId = (): string => randomUUID();

/** A ledger line for pure domain tests; only kind and amount matter to the invariant. */
export const anEntry = (kind: EntryKind, amount: number, overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  id: randomUUID(),
  customerId: randomUUID(),
  kind,
  amount,
  balanceAfter: 0,
  orderId: kind === 'DEPOSIT' ? null : randomUUID(),
  createdAt: new Date(),
  ...overrides,
});

/** Amounts the contract refuses with 400, as raw JSON bodies so that strings and huge numbers arrive verbatim. */
export const BAD_AMOUNT_BODIES: Record<string, string> = {
  negative: '{"amount":-1}',
  zero: '{"amount":0}',
  fractional: '{"amount":1.5}',
  'numeric string': '{"amount":"100"}',
  'just over the limit': '{"amount":10000001}',
  enormous: '{"amount":1e30}',
  null: '{"amount":null}',
  missing: '{}',
  'not an object': '[100]',
  boolean: '{"amount":true}',
};

export const SQL_METACHARACTERS = "'; DROP TABLE ledger_entries; --";

/** A saga command as the orchestrator sends it: from 'orchestrator' to 'account', in the saga's conversation. */
export const anAccountCommand = <P>(type: string, payload: P, sagaId: string = randomUUID()): Envelope<P> =>
  createEnvelope({ type, source: 'orchestrator', destination: 'account', correlationId: sagaId, payload });

export const aDebitAccount = (payload: Partial<AccountMessages.DebitAccount> = {}): Envelope<AccountMessages.DebitAccount> =>
  anAccountCommand(MessageTypes.DebitAccount, { customerId: aCustomerId(), orderId: anOrderId(), amount: 1_200, ...payload });

export const aRefundAccount = (
  payload: Pick<AccountMessages.RefundAccount, 'customerId' | 'orderId'>,
): Envelope<AccountMessages.RefundAccount> => anAccountCommand(MessageTypes.RefundAccount, payload);

/** The same command sent again, as the sweeper retries a timed-out step: same saga and payload, a new message id. */
export const aRetryOf = <P>(command: Envelope<P>): Envelope<P> => ({ ...command, id: randomUUID(), occurredAt: new Date().toISOString() });

/** The event as the customer service publishes it (the account's copy of the fan-out). */
export const aCustomerRegistered = (
  payload: Partial<CustomerMessages.CustomerRegistered> = {},
): Envelope<CustomerMessages.CustomerRegistered> => {
  const customerId = payload.customerId ?? aCustomerId();
  return createEnvelope({
    type: MessageTypes.CustomerRegistered,
    source: 'customer',
    destination: 'account',
    correlationId: customerId,
    payload: { customerId, role: 'customer', registeredAt: new Date().toISOString(), ...payload },
  });
};

/** A recorded operation for pure domain tests. */
export const anOperation = (overrides: Partial<AccountOperation> = {}): AccountOperation => ({
  orderId: anOrderId(),
  customerId: aCustomerId(),
  kind: 'DEBIT',
  outcome: 'SUCCEEDED',
  reason: null,
  amount: 1_200,
  ledgerEntryId: randomUUID(),
  balanceAfter: 800,
  ...overrides,
});
