import { Uuid } from '@ordering/contracts';
import { Type } from 'typebox';
import type { Customer } from '../domain/customer.js';
import { EMAIL_MAX_LENGTH, NAME_LENGTH, PASSWORD_LENGTH } from '../domain/registration-rules.js';

// PostgreSQL text cannot hold NUL; refusing it here keeps such input a 400 instead of a failing query.
const NO_NUL = '^[^\\u0000]*$';

export const CustomerResponse = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    email: Type.String(),
    role: Type.Union([Type.Literal('customer'), Type.Literal('admin')]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { description: 'A registered customer (never with credentials)' },
);

export const RegistrationBody = Type.Object(
  {
    name: Type.String({ minLength: NAME_LENGTH.min, maxLength: NAME_LENGTH.max, pattern: NO_NUL }),
    email: Type.String({ format: 'email', maxLength: EMAIL_MAX_LENGTH }),
    password: Type.String({ minLength: PASSWORD_LENGTH.min, maxLength: PASSWORD_LENGTH.max }),
  },
  { additionalProperties: false },
);

/** Login takes any string: a malformed email is simply one that matches nobody (401), not a hint about the format. */
export const CredentialsBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: EMAIL_MAX_LENGTH, pattern: NO_NUL }),
    password: Type.String({ minLength: 1, maxLength: PASSWORD_LENGTH.max }),
  },
  { additionalProperties: false },
);

export const TokenResponse = Type.Object({
  accessToken: Type.String({ description: 'An ES256 JWT; verify it with /.well-known/jwks.json' }),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds until the token expires' }),
});

/** Picks fields by name so nothing else a caller passes in (such as a password hash) can reach a response. */
export const presentCustomer = (customer: Customer) => ({
  id: customer.id,
  name: customer.name,
  email: customer.email,
  role: customer.role,
  createdAt: customer.createdAt.toISOString(),
});
