import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from './primitives.js';

export const CustomerRegistered = Type.Object(
  {
    customerId: Uuid,
    role: Type.Union([Type.Literal('customer'), Type.Literal('admin')]),
    registeredAt: Timestamp,
  },
  { additionalProperties: false },
);

export type CustomerRegistered = Static<typeof CustomerRegistered>;
