import { contractOf, MessageTypes, type CustomerMessages, type Envelope } from '@ordering/contracts';
import { createEnvelope, enqueueMessages, fanOutEvent } from '@ordering/messaging';
import type { SqlExecutor } from '@ordering/platform';
import type { Customer } from '../domain/customer.js';

export const CUSTOMER_SERVICE = 'customer';

const subscribersOf = (type: string): string[] => {
  const subscribers = contractOf(type)?.subscribers;
  // An event nobody would receive is a broken catalog, not something to skip quietly.
  if (!subscribers || subscribers.length === 0) throw new Error(`${type} has no subscribers in the message catalog`);
  return subscribers;
};

/** One copy of CustomerRegistered per subscriber (the account service opens the customer's account). */
export const customerRegisteredEvents = (customer: Customer): Envelope<CustomerMessages.CustomerRegistered>[] =>
  fanOutEvent(
    createEnvelope<CustomerMessages.CustomerRegistered>({
      type: MessageTypes.CustomerRegistered,
      source: CUSTOMER_SERVICE,
      // fanOutEvent sets each copy's destination; this one only fills the field.
      destination: 'account',
      correlationId: customer.id,
      payload: { customerId: customer.id, role: customer.role, registeredAt: customer.createdAt.toISOString() },
    }),
    subscribersOf(MessageTypes.CustomerRegistered),
  );

/** Call in the transaction that inserted the customer: the event exists if and only if the customer does. */
export const publishCustomerRegistered = (tx: SqlExecutor, customer: Customer): Promise<void> => enqueueMessages(tx, customerRegisteredEvents(customer));
