import { contractOf, type Envelope } from '@ordering/contracts';
import { createLogger, type Logger } from '@ordering/platform';
import { Value } from 'typebox/value';
import { expect } from 'vitest';
import { createAccountMessageHandlers } from '../src/messages/account-message-handlers.js';
import type { AccountServiceUnderTest } from './account-service.js';
import { aDepositRequest } from './builders.js';

export interface OrderLedgerEntry {
  kind: string;
  amount: number;
  customerId: string;
}

export interface AccountParticipant {
  /** Runs the handler for the envelope's type in its own transaction, exactly as the consumer runtime does. */
  deliver(message: Envelope): Promise<void>;
  /** Delivers a command and returns its one reply from the outbox, checked against the reply contract. */
  send(command: Envelope): Promise<Envelope>;
  repliesTo(command: Envelope): Promise<Envelope[]>;
  /** Deposits over the real HTTP route. */
  fund(customerId: string, amount: number): Promise<void>;
  /** Read straight from the database, so assertions do not trust the code under test. */
  ledgerOfOrder(orderId: string): Promise<OrderLedgerEntry[]>;
  operationsOf(orderId: string): Promise<{ kind: string; outcome: string; reason: string | null; amount: number }[]>;
}

export const silentLogger = (): Logger => createLogger({ service: 'account', level: 'silent' });

export const participantOf = (service: AccountServiceUnderTest, logger: Logger = silentLogger()): AccountParticipant => {
  const handlers = createAccountMessageHandlers({ logger });
  const pool = service.database.pool;

  const deliver = async (message: Envelope): Promise<void> => {
    const handler = handlers.find((candidate) => candidate.type === message.type);
    if (!handler) throw new Error(`no handler for ${message.type}`);
    await service.database.db.transaction((tx) => handler.handle(tx, message));
  };

  const repliesTo = async (command: Envelope): Promise<Envelope[]> => {
    const result = await pool.query<{ envelope: Envelope }>(
      "select envelope from outbox_messages where envelope->>'causationId' = $1 order by created_at, id",
      [command.id],
    );
    return result.rows.map((row) => row.envelope);
  };

  return {
    deliver,
    repliesTo,
    async send(command) {
      await deliver(command);
      const replies = await repliesTo(command);
      expect(replies).toHaveLength(1);
      const reply = replies[0] as Envelope;
      const contract = contractOf(reply.type);
      expect(contract?.kind).toBe('reply');
      expect(Value.Check(contract!.schema, reply.payload), JSON.stringify(reply.payload)).toBe(true);
      return reply;
    },
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
