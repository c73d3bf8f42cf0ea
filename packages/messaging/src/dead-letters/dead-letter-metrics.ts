import type { Logger, ServiceMetrics, SqlExecutor } from '@ordering/platform';
import { and, count, eq, isNull } from 'drizzle-orm';
import { Gauge } from 'prom-client';
import { consumerQueuesOf } from '../transports/amqp/amqp-topology.js';
import type { BrokerConnection } from '../transports/amqp/broker-connection.js';
import { deadLetters } from '../inbox/consumer-schema.js';
import { createScrapeSnapshot, replacingIn } from '../runtime/scrape-snapshot.js';

/** `transport` label of dead letters parked in the service's `dead_letters` table (HTTP intake). */
export const HTTP_DEAD_LETTERS = 'http';
/** `transport` label of dead letters parked in a `<queue>.dlq` of RabbitMQ. */
export const BROKER_DEAD_LETTERS = 'rabbitmq';

export interface DeadLetterMetricsDeps {
  db: SqlExecutor;
  service: string;
  metrics: ServiceMetrics;
  logger: Logger;
  /** With a broker, the depth of each of the service's DLQs is read too. */
  broker?: BrokerConnection | undefined;
}

type Depths = Map<string, number>;

const readTable = async (db: SqlExecutor, service: string): Promise<number> => {
  const [row] = await db
    .select({ parked: count() })
    .from(deadLetters)
    .where(and(eq(deadLetters.consumer, service), isNull(deadLetters.replayedAt)));
  return Number(row?.parked ?? 0);
};

/**
 * The ready messages of each DLQ, checked passively on a channel of its own (a queue that is missing closes only
 * that channel). A dead letter an operator is peeking at right now is unacked, and not counted until it is back.
 */
const readQueues = async (broker: BrokerConnection, queues: { queue: string; dlq: string }[]): Promise<Depths> => {
  const connection = broker.current();
  if (!connection || !broker.isConnected()) throw new Error('the broker is not connected');
  const channel = await connection.createChannel();
  channel.on('error', () => {});
  try {
    const depths: Depths = new Map();
    for (const { queue, dlq } of queues) depths.set(queue, (await channel.checkQueue(dlq)).messageCount);
    return depths;
  } finally {
    await channel.close().catch(() => undefined);
  }
};

/**
 * `dead_letters{queue,transport}`: messages this service parked and nobody replayed yet. Through HTTP they sit in
 * its `dead_letters` table (queue = the service's name); through RabbitMQ in the DLQ of each consuming queue
 * (queue = that queue's name). The table is read with a broker too: it may still hold letters from before. Each
 * scrape that could read a source sets every known queue of it, 0 when empty; one that could not keeps the last value.
 */
export const registerDeadLetterMetrics = (deps: DeadLetterMetricsDeps): void => {
  const { broker, service } = deps;
  const queues = broker ? consumerQueuesOf(service, broker.namespace) : [];
  const table = createScrapeSnapshot(() => readTable(deps.db, service), { what: 'dead letter metrics', logger: deps.logger });
  const queued = broker
    ? createScrapeSnapshot(() => readQueues(broker, queues), { what: 'dead letter queue metrics', logger: deps.logger })
    : undefined;
  new Gauge({
    name: 'dead_letters',
    help: 'Dead letters not yet replayed, by consuming queue and where they are parked',
    labelNames: ['queue', 'transport'] as const,
    registers: replacingIn(deps.metrics.registry, 'dead_letters'),
    async collect() {
      const [parked, depths] = await Promise.all([table(), queued?.()]);
      if (parked !== undefined) this.set({ queue: service, transport: HTTP_DEAD_LETTERS }, parked);
      for (const { queue } of queues) {
        const depth = depths?.get(queue);
        if (depth !== undefined) this.set({ queue, transport: BROKER_DEAD_LETTERS }, depth);
      }
    },
  });
};
