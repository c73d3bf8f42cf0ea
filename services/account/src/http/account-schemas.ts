import { UUID_PATTERN, Uuid } from '@ordering/contracts';
import { Page } from '@ordering/platform';
import { Type } from 'typebox';
import { MAX_DEPOSIT, MIN_AMOUNT } from '../domain/balance-rules.js';

export const AccountView = Type.Object({
  customerId: Uuid,
  balance: Type.Integer({ minimum: 0, description: 'Whole yen' }),
  currency: Type.Literal('JPY'),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const LedgerEntryView = Type.Object({
  id: Uuid,
  kind: Type.Union([Type.Literal('DEPOSIT'), Type.Literal('DEBIT'), Type.Literal('REFUND')]),
  amount: Type.Integer({ minimum: 1 }),
  balanceAfter: Type.Integer({ minimum: 0 }),
  orderId: Type.Optional(Type.String({ format: 'uuid', pattern: UUID_PATTERN, description: 'Present on DEBIT and REFUND entries' })),
  createdAt: Type.String({ format: 'date-time' }),
});

export const LedgerPage = Page(LedgerEntryView);

export const DepositBody = Type.Object(
  { amount: Type.Integer({ minimum: MIN_AMOUNT, maximum: MAX_DEPOSIT, description: 'Whole yen' }) },
  { additionalProperties: false },
);

export const DepositHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, description: 'Repeats with the same key and body return the first result' }),
  ),
});

export const DepositResult = Type.Object({ account: AccountView, entry: LedgerEntryView });
