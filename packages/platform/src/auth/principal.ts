export type Role = 'customer' | 'admin';

export const ROLES: readonly Role[] = ['customer', 'admin'];

/** Who is calling, as proven by a verified token. */
export interface Principal {
  customerId: string;
  role: Role;
}

/** Tokens are minted by the customer service for this audience; every service checks both. */
export const TOKEN_ISSUER = 'ordering/customer';
export const TOKEN_AUDIENCE = 'ordering/api';
export const TOKEN_ALGORITHMS = ['ES256', 'EdDSA'];
