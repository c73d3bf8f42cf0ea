import { contractOf, MessageTypes, type CustomerMessages, type Envelope } from '@ordering/contracts';
import { createEnvelope, enqueueMessages, fanOutEvent } from '@ordering/messaging';
import type { SqlExecutor } from '@ordering/platform';
import type { Customer } from '../domain/customer.js';

export const CUSTOMER_SERVICE = 'customer';

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
    // The catalog declares an event's subscribers as a non-empty list: an event nobody would receive does not compile.
    contractOf(MessageTypes.CustomerRegistered).subscribers,
  );

/** Call in the transaction that inserted the customer: the event exists if and only if the customer does. */
export const publishCustomerRegistered = (tx: SqlExecutor, customer: Customer): Promise<void> =>
  enqueueMessages(tx, customerRegisteredEvents(customer));
