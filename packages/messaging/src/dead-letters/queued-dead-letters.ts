import { AppError, isAppError, validationFailed } from '@ordering/platform';
import type { ChannelModel } from 'amqplib';
import type { BrokerConnection } from '../transports/amqp/broker-connection.js';
import {
  findQueuedDeadLetterOn,
  listQueuedDeadLettersOn,
  RepairedMessageRefusedError,
  replayQueuedDeadLetterOn,
  type QueuedDeadLetter,
  type ReplayedDeadLetter,
} from '../transports/amqp/dead-letter-queue.js';

/** The dead letters in the DLQs of one service's consumer queues, through its own broker connection. */
export interface QueuedDeadLetters {
  /** Peeks up to `limit` from each DLQ, newest first, cut to `limit`; nothing is consumed or reordered. */
  list(limit: number): Promise<QueuedDeadLetter[]>;
  find(id: string): Promise<QueuedDeadLetter | undefined>;
  /** Republishes it (or `repaired`) to its consumer queue, then takes it off the DLQ; undefined when absent. */
  replay(id: string, repaired: unknown): Promise<ReplayedDeadLetter | undefined>;
}

export interface QueuedDeadLettersDeps {
  broker: BrokerConnection;
  service: string;
  /** Signs a repaired message, which has no sender's signature; without it only originals can be replayed. */
  operatorToken: string | undefined;
}

export const refusedRepair = (reason: string): AppError =>
  validationFailed('The repaired message would be refused', [{ path: 'body.message', message: reason }]);

const brokerUnavailable = (cause?: unknown): AppError =>
  new AppError('SERVICE_UNAVAILABLE', 503, {
    detail: 'RabbitMQ cannot be reached right now: its dead-letter queues cannot be read or replayed. Retry shortly.',
    headers: { 'retry-after': '1' },
    cause,
  });

/**
 * Runs `work` on the service's live connection. A broker that is away, or fails the operation, is an outage the
 * operator may retry (503), not a bug; a refused repair stays the operator's to fix (400).
 */
const onLiveConnection = async <T>(broker: BrokerConnection, work: (connection: ChannelModel) => Promise<T>): Promise<T> => {
  const connection = broker.current();
  if (!connection || !broker.isConnected()) throw brokerUnavailable();
  try {
    return await work(connection);
  } catch (error) {
    if (isAppError(error)) throw error;
    if (error instanceof RepairedMessageRefusedError) throw refusedRepair(error.message);
    throw brokerUnavailable(error);
  }
};

export const createQueuedDeadLetters = ({ broker, service, operatorToken }: QueuedDeadLettersDeps): QueuedDeadLetters => {
  const scope = { namespace: broker.namespace, service };
  return {
    list: (limit) => onLiveConnection(broker, (connection) => listQueuedDeadLettersOn(connection, { ...scope, limit })),
    find: (id) => onLiveConnection(broker, (connection) => findQueuedDeadLetterOn(connection, id, scope)),
    async replay(id, repaired) {
      // Refused before any DLQ is touched: replayCopy would only find out while holding the dead letter.
      if (repaired !== undefined && !operatorToken)
        throw refusedRepair('a repaired message is published signed with OPERATOR_TOKEN, which this service has not set');
      const signing = repaired === undefined ? {} : { message: repaired, operatorToken };
      return onLiveConnection(broker, (connection) => replayQueuedDeadLetterOn(connection, id, { ...scope, ...signing }));
    },
  };
};
