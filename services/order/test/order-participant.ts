import { contractOf, type Envelope } from '@ordering/contracts';
import { createLogger, type Logger } from '@ordering/platform';
import { Value } from 'typebox/value';
import { expect } from 'vitest';
import { createOrderMessageHandlers } from '../src/messages/order-message-handlers.js';
import type { OrderServiceUnderTest } from './order-service.js';

export interface StoredOrderState {
  status: string;
  reason: string | null;
}

export interface OrderParticipant {
  /** Runs the handler for the envelope's type in its own transaction, exactly as the consumer runtime does. */
  deliver(command: Envelope): Promise<void>;
  /** Delivers a command and returns its one reply from the outbox, checked against the reply contract. */
  send(command: Envelope): Promise<Envelope>;
  repliesTo(command: Envelope): Promise<Envelope[]>;
  /** Read straight from the database, so assertions do not trust the code under test. */
  orderState(orderId: string): Promise<StoredOrderState | undefined>;
  tombstoneOf(orderId: string): Promise<{ cause: string; reason: string } | undefined>;
}

export const silentLogger = (): Logger => createLogger({ service: 'order', level: 'silent' });

export const participantOf = (service: OrderServiceUnderTest, logger: Logger = silentLogger()): OrderParticipant => {
  const handlers = createOrderMessageHandlers({ logger });
  const pool = service.database.pool;

  const deliver = async (command: Envelope): Promise<void> => {
    const handler = handlers.find((candidate) => candidate.type === command.type);
    if (!handler) throw new Error(`no handler for ${command.type}`);
    await service.database.db.transaction((tx) => handler.handle(tx, command));
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
    async orderState(orderId) {
      const result = await pool.query<StoredOrderState>('select status, reason from orders where id = $1', [orderId]);
      return result.rows[0];
    },
    async tombstoneOf(orderId) {
      const result = await pool.query<{ cause: string; reason: string }>('select cause, reason from order_tombstones where order_id = $1', [orderId]);
      return result.rows[0];
    },
  };
};
