/** Mirrors the platform's token roles; kept here so the domain depends on nothing outside itself. */
export type CustomerRole = 'customer' | 'admin';

/** A customer as the rest of the system may see it: never with its password hash. */
export interface Customer {
  id: string;
  name: string;
  email: string;
  role: CustomerRole;
  createdAt: Date;
}

/** Only the credential check and the stores ever hold this shape. */
export interface CustomerWithCredentials extends Customer {
  passwordHash: string;
}

export const withoutCredentials = ({ passwordHash: _passwordHash, ...customer }: CustomerWithCredentials): Customer => customer;
