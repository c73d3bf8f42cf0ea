import { withoutCredentials, type Customer, type CustomerWithCredentials } from './customer.js';

/** Unknown email and wrong password are one outcome on purpose: the caller must not learn which emails exist. */
export type CredentialCheck = { outcome: 'accepted'; customer: Customer } | { outcome: 'rejected' };

export const judgeCredentials = (customer: CustomerWithCredentials | undefined, passwordMatches: boolean): CredentialCheck =>
  customer && passwordMatches ? { outcome: 'accepted', customer: withoutCredentials(customer) } : { outcome: 'rejected' };
