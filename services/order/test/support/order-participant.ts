import { createLogger, type Logger } from '@ordering/platform';
import { driveParticipantOn, type ParticipantDriver } from '@ordering/testing';
import { createOrderMessageHandlers } from '../../src/messages/order-message-handlers.js';
import type { OrderServiceUnderTest } from './order-service.js';

export interface StoredOrderState {
  status: string;
  reason: string | null;
}

export interface OrderParticipant extends ParticipantDriver {
  /** Read straight from the database, so assertions do not trust the code under test. */
  orderState(orderId: string): Promise<StoredOrderState | undefined>;
  tombstoneOf(orderId: string): Promise<{ cause: string; reason: string } | undefined>;
}

export const silentLogger = (): Logger => createLogger({ service: 'order', level: 'silent' });

export const participantOf = (service: OrderServiceUnderTest, logger: Logger = silentLogger()): OrderParticipant => {
  const driver = driveParticipantOn(service.database, createOrderMessageHandlers({ logger }));
  const { pool } = service.database;
  return {
    ...driver,
    async orderState(orderId) {
      const result = await pool.query<StoredOrderState>('select status, reason from orders where id = $1', [orderId]);
      return result.rows[0];
    },
    async tombstoneOf(orderId) {
      const result = await pool.query<{ cause: string; reason: string }>('select cause, reason from order_tombstones where order_id = $1', [
        orderId,
      ]);
      return result.rows[0];
    },
  };
};
