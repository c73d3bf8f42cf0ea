import { createLogger, type Logger } from '@ordering/platform';
import { driveParticipantOn, type ParticipantDriver } from '@ordering/testing';
import { expect } from 'vitest';
import { createAccountMessageHandlers } from '../../src/messages/account-message-handlers.js';
import type { AccountServiceUnderTest } from './account-service.js';
import { aDepositRequest } from '../builders.js';

export interface OrderLedgerEntry {
  kind: string;
  amount: number;
  customerId: string;
}

export interface AccountParticipant extends ParticipantDriver {
  /** Deposits over the real HTTP route. */
  fund(customerId: string, amount: number): Promise<void>;
  /** Read straight from the database, so assertions do not trust the code under test. */
  ledgerOfOrder(orderId: string): Promise<OrderLedgerEntry[]>;
  operationsOf(orderId: string): Promise<{ kind: string; outcome: string; reason: string | null; amount: number }[]>;
}

export const silentLogger = (): Logger => createLogger({ service: 'account', level: 'silent' });

export const participantOf = (service: AccountServiceUnderTest, logger: Logger = silentLogger()): AccountParticipant => {
  const driver = driveParticipantOn(service.database, createAccountMessageHandlers({ logger }));
  const { pool } = service.database;
  return {
    ...driver,
    async fund(customerId, amount) {
      const response = await service.deposit(await service.tokenFor(customerId), aDepositRequest(amount));
      expect(response.statusCode).toBe(201);
    },
    async ledgerOfOrder(orderId) {
      const result = await pool.query<OrderLedgerEntry>(
        'select kind, amount, customer_id as "customerId" from ledger_entries where order_id = $1 order by created_at, id',
        [orderId],
      );
      return result.rows;
    },
    async operationsOf(orderId) {
      const result = await pool.query<{ kind: string; outcome: string; reason: string | null; amount: number }>(
        'select kind, outcome, reason, amount from account_operations where order_id = $1 order by kind',
        [orderId],
      );
      return result.rows;
    },
  };
};
